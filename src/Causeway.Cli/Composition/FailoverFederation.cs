using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Causeway.Protocol.Security;

namespace Causeway.Cli.Composition;

/// <summary>
/// A federation of real processes whose coordinator has standbys: several <c>causeway coordinator</c> processes on one
/// store (a SQLite file or a PostgreSQL database), each on its own loopback port with its own server certificate from one
/// federation CA, and <c>causeway party</c> processes given every coordinator's address (<c>--join A --join B</c>). The
/// first coordinator takes the store's lease; the others wait as standbys, not listening. Used by <c>bench takeover</c>
/// and the standby tests; <see cref="KillActiveAsync"/> SIGKILLs the active coordinator and times the takeover.
/// </summary>
/// <remarks>
/// Times are the local wall clock (<see cref="DateTimeOffset.UtcNow"/>) of this process, taken when a child's log line
/// arrives; every process runs on this host, so they compare with the rounds' stored close times.
/// With <see cref="Options.PartyLink"/> the parties run in a network namespace of their own and reach the coordinators
/// over a link that <c>bench faults</c> can delay, make lossy or cut, while this process still reaches them on loopback.
/// Disposing stops the parties first, then the coordinators.
/// </remarks>
internal sealed class FailoverFederation : IDisposable
{
    // What `causeway coordinator` prints (src/Causeway.Cli/Commands/CoordinatorCommand.cs).
    private const string StandbyLine = "coordinator: standby;";
    private const string LeaseTakenLine = "coordinator: took the store's lease";
    private const string ListeningLine = "coordinator listening on";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    private readonly Options _options;
    private readonly string _joinToken;
    private readonly string _adminToken;
    private readonly X509Certificate2 _authority;
    private readonly Slot[] _coordinators;
    private readonly List<ChildProcess> _parties = [];
    private int _partyRestarts;
    private readonly string _caCertificate;
    private long _coordinatorPeakBytes;

    private FailoverFederation(Options options, Slot[] coordinators, X509Certificate2 authority, string caCertificate, string joinToken, string adminToken)
    {
        _options = options;
        _caCertificate = caCertificate;
        _coordinators = coordinators;
        _authority = authority;
        _joinToken = joinToken;
        _adminToken = adminToken;
    }

    /// <summary>What to start.</summary>
    public sealed record Options
    {
        /// <summary>An existing folder for certificates, the SQLite file and the process logs.</summary>
        public required string WorkDirectory { get; init; }

        /// <summary>The parties; each joins with every coordinator's address.</summary>
        public required IReadOnlyList<LocalFederation.Party> Parties { get; init; }

        /// <summary>A PostgreSQL connection string for the coordinators' store; null uses a SQLite file in <see cref="WorkDirectory"/>.</summary>
        public string? Postgres { get; init; }

        /// <summary>How many coordinator processes share the store: one active and the rest standbys. Default 2.</summary>
        public int Coordinators { get; init; } = 2;

        /// <summary>The federation's id and the CA's subject. Default "failover".</summary>
        public string Federation { get; init; } = "failover";

        /// <summary>
        /// A link whose far end is a network namespace: the parties run there and join at its host address, and the
        /// coordinators listen on every interface (their certificates name that address too). Null: all on loopback.
        /// </summary>
        public FaultyLink? PartyLink { get; init; }
    }

    /// <summary>When one takeover happened, as seen from this process.</summary>
    /// <param name="Killed">The coordinator that was killed.</param>
    /// <param name="NewActive">The coordinator that took over.</param>
    /// <param name="KilledAt">Just before the SIGKILL.</param>
    /// <param name="LeaseTakenAt">When the new active coordinator reported taking the store's lease.</param>
    /// <param name="ListeningAt">When it reported listening.</param>
    /// <param name="ServingAt">When its control API first answered this process.</param>
    public sealed record Takeover(int Killed, int NewActive, DateTimeOffset KilledAt, DateTimeOffset LeaseTakenAt, DateTimeOffset ListeningAt, DateTimeOffset ServingAt)
    {
        /// <summary>Seconds from the kill to the standby's control API answering.</summary>
        public double ServingSeconds => (ServingAt - KilledAt).TotalSeconds;

        /// <summary>Seconds from the kill to the standby holding the lease.</summary>
        public double LeaseSeconds => (LeaseTakenAt - KilledAt).TotalSeconds;
    }

    /// <summary>Every coordinator's address, in the order the parties try them.</summary>
    public IReadOnlyList<Uri> Addresses => [.. _coordinators.Select(c => c.Address)];

    /// <summary>The index of the coordinator that holds the lease (the one serving).</summary>
    public int Active { get; private set; }

    /// <summary>The control API of the active coordinator, authenticated as the federation's admin.</summary>
    public ControlApiClient Api => _coordinators[Active].Api;

    /// <summary>The current process of each coordinator slot, then the parties'.</summary>
    public IReadOnlyList<ChildProcess> Processes => [.. _coordinators.Select(c => c.Process).OfType<ChildProcess>(), .. _parties];

    /// <summary>The party processes, in the order of <see cref="Options.Parties"/>.</summary>
    public IReadOnlyList<ChildProcess> Parties => _parties;

    /// <summary>
    /// Issues the certificates, starts the first coordinator and waits for it to serve, starts the others and waits for
    /// each to report itself a standby, then starts the parties and waits until all have joined the active one.
    /// </summary>
    /// <exception cref="InvalidOperationException">A process stopped while starting (the message holds its log tail).</exception>
    /// <exception cref="TimeoutException">Something did not happen within a minute.</exception>
    public static async Task<FailoverFederation> StartAsync(Options options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Coordinators, 1, nameof(options));
        var work = options.WorkDirectory;
        var certificates = DevCertificates.CreateDevelopmentSet(
            Path.Combine(work, "certs"), $"causeway-{options.Federation}", options.Parties.Select(p => p.PartyId), TimeSpan.FromDays(2));
        var authority = DevCertificates.LoadPem(certificates.CaCertificate, certificates.CaKey);
        var adminToken = NewToken();
        var slots = new Slot[options.Coordinators];
        IPAddress[] serverAddresses = options.PartyLink is { } link
            ? [IPAddress.Loopback, IPAddress.IPv6Loopback, IPAddress.Parse(link.HostAddress)]
            : [IPAddress.Loopback, IPAddress.IPv6Loopback];
        for (var i = 0; i < slots.Length; i++)
        {
            // Each coordinator its own server certificate from the one CA, as on separate hosts.
            var directory = Path.Combine(work, $"certs-{Name(i)}");
            Directory.CreateDirectory(directory);
            using var server = DevCertificates.IssueServerCertificate(authority, ["localhost"], serverAddresses, TimeSpan.FromDays(2));
            DevCertificates.WritePem(server, Path.Combine(directory, DevCertificates.ServerCertificateFile), Path.Combine(directory, DevCertificates.ServerKeyFile));
            File.Copy(certificates.CaCertificate, Path.Combine(directory, DevCertificates.CaCertificateFile), overwrite: true);
            var address = new Uri($"https://127.0.0.1:{FreePort()}");
            slots[i] = new Slot(Name(i), directory, address, new ControlApiClient(address, adminToken, authority));
        }

        var federation = new FailoverFederation(options, slots, authority, certificates.CaCertificate, NewToken(), adminToken);
        try
        {
            for (var i = 0; i < slots.Length; i++)
            {
                federation.StartCoordinator(i);
                await federation.WaitAsync(
                    i == 0 ? $"coordinator {slots[i].Name} to serve" : $"coordinator {slots[i].Name} to wait as a standby",
                    async ct => i == 0 ? await federation.AnswersAsync(i, ct) : slots[i].StandbySince is not null,
                    cancellationToken);
            }

            foreach (var party in options.Parties)
            {
                federation._parties.Add(federation.StartParty(party, $"{party.PartyId}.log"));
            }

            await federation.WaitForPartiesAsync(cancellationToken);
            return federation;
        }
        catch
        {
            federation.Dispose();
            throw;
        }
    }

    /// <summary>The control API of coordinator <paramref name="index"/> (it answers only while that one is active).</summary>
    public ControlApiClient ApiOf(int index) => _coordinators[index].Api;

    /// <summary>Whether coordinator <paramref name="index"/>'s current process has reported listening (only a lease holder listens).</summary>
    public bool HasListened(int index) => _coordinators[index].ListeningAt is not null;

    /// <summary>Whether coordinator <paramref name="index"/>'s current process has reported waiting as a standby.</summary>
    public bool IsStandby(int index) => _coordinators[index].StandbySince is not null && _coordinators[index].ListeningAt is null;

    /// <summary>Waits until every party is connected to the active coordinator.</summary>
    public Task WaitForPartiesAsync(CancellationToken cancellationToken) => WaitAsync(
        $"{_parties.Count} parties to join coordinator {_coordinators[Active].Name}",
        async ct =>
        {
            var status = await Api.StatusAsync(ct);
            return status["parties"]?.AsArray().Count(p => p?["connected"]?.GetValue<bool>() ?? true) >= _parties.Count;
        },
        cancellationToken);

    /// <summary>
    /// Waits for a standby, SIGKILLs the active coordinator and waits until a standby has taken over and its control API
    /// answers, which then becomes <see cref="Active"/>. The killed slot stays empty until <see cref="RestartAsync"/> or
    /// <see cref="StartAgain"/>.
    /// </summary>
    public async Task<Takeover> KillActiveAsync(CancellationToken cancellationToken)
    {
        await WaitForStandbyAsync(cancellationToken);
        var killed = Active;
        var slot = _coordinators[killed];
        // The coordinator starts no children: kill it alone, so the signal follows the time taken at once.
        NotePeak(slot.Process!);
        var killedAt = DateTimeOffset.UtcNow;
        await slot.Process!.KillAsync(entireProcessTree: false);
        slot.Killed = true;

        int? next = null;
        await WaitAsync(
            "a standby to take over",
            async ct =>
            {
                for (var i = 0; i < _coordinators.Length; i++)
                {
                    if (i != killed && !_coordinators[i].Killed && _coordinators[i].ListeningAt is not null && await AnswersAsync(i, ct))
                    {
                        next = i;
                        return true;
                    }
                }

                return false;
            },
            cancellationToken);
        var servingAt = DateTimeOffset.UtcNow;
        var taken = _coordinators[next!.Value];
        Active = next.Value;
        return new Takeover(killed, next.Value, killedAt, taken.LeaseTakenAt ?? taken.ListeningAt!.Value, taken.ListeningAt!.Value, servingAt);
    }

    /// <summary>Starts a new process in a killed coordinator's slot (same port, certificate and store) and waits until it is a standby.</summary>
    public async Task RestartAsync(int index, CancellationToken cancellationToken)
    {
        StartAgain(index);
        var slot = _coordinators[index];
        await WaitAsync($"coordinator {slot.Name} to wait as a standby", _ => Task.FromResult(slot.StandbySince is not null), cancellationToken);
    }

    /// <summary>Starts a new process in a killed coordinator's slot without waiting for it (the next kill waits for a standby).</summary>
    public void StartAgain(int index)
    {
        var slot = _coordinators[index];
        if (!slot.Killed)
        {
            throw new InvalidOperationException($"Coordinator {slot.Name} is running.");
        }

        slot.Process!.Dispose();
        StartCoordinator(index);
    }

    /// <summary>Waits until some coordinator other than the active one waits as a standby.</summary>
    public Task WaitForStandbyAsync(CancellationToken cancellationToken) => WaitAsync(
        "a coordinator to wait as a standby",
        _ => Task.FromResult(Enumerable.Range(0, _coordinators.Length).Any(i => i != Active && !_coordinators[i].Killed && IsStandby(i))),
        cancellationToken);
    /// <summary>
    /// Waits for a standby, SIGKILLs it (the run must not notice) and starts it again without waiting (the next kill waits
    /// for a standby).
    /// </summary>
    /// <returns>The index of the standby killed.</returns>
    public async Task<int> KillStandbyAsync(CancellationToken cancellationToken)
    {
        await WaitForStandbyAsync(cancellationToken);
        var standby = Enumerable.Range(0, _coordinators.Length).First(i => i != Active && IsStandby(i) && !_coordinators[i].Killed);
        NotePeak(_coordinators[standby].Process!);
        await _coordinators[standby].Process!.KillAsync(entireProcessTree: false);
        _coordinators[standby].Killed = true;
        StartAgain(standby);
        return standby;
    }

    /// <summary>SIGKILLs party <paramref name="index"/> and starts it again at once with the same id and data, as a supervisor would.</summary>
    public async Task RestartPartyAsync(int index)
    {
        var killed = _parties[index];
        await killed.KillAsync(entireProcessTree: false);
        killed.Dispose();
        var party = _options.Parties[index];
        _parties[index] = StartParty(party, $"{party.PartyId}-{++_partyRestarts}.log");
    }

    /// <summary>
    /// Starts a party process that is not one of <see cref="Options.Parties"/>, joined to every coordinator like them (for a
    /// party that must be refused); the caller owns it.
    /// </summary>
    public ChildProcess StartStrayParty(LocalFederation.Party party) => StartParty(party, $"{party.PartyId}.log");

    /// <summary>A sender of hostile inputs aimed at the active coordinator, authenticated as the admin for run configurations.</summary>
    public HostileInputs HostileInputs(int seed) => new(_coordinators[Active].Address, _authority, _adminToken, seed);

    /// <summary>
    /// The largest peak resident set (VmHWM) of any coordinator process so far, in bytes: each live one is read now, a
    /// killed one was read just before its kill.
    /// </summary>
    public long CoordinatorPeakResidentBytes()
    {
        foreach (var slot in _coordinators.Where(c => !c.Killed && c.Process is { HasExited: false }))
        {
            NotePeak(slot.Process!);
        }

        return _coordinatorPeakBytes;
    }

    /// <summary>
    /// Polls the active coordinator until the run's closed rounds satisfy <paramref name="done"/>; returns how many are
    /// closed then. With <paramref name="beforeKill"/> the run must still be running (a round left for the next
    /// coordinator to close).
    /// </summary>
    /// <exception cref="InvalidOperationException">The run ended first, or a process stopped unexpectedly.</exception>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>.</exception>
    public async Task<int> WaitForRoundsAsync(
        string runId, Func<JsonArray, bool> done, string what, TimeSpan timeout, CancellationToken cancellationToken, bool beforeKill = false)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            ThrowIfExited();
            var details = await Api.RunAsync(runId, cancellationToken);
            var rounds = details["rounds"]?.AsArray() ?? [];

            // Interrupted: the new active coordinator serves and waits for the parties before it resumes the run.
            var state = details["run"]?["state"]?.GetValue<string>();
            var running = state is "Running" or "Interrupted";
            if (done(rounds) && (running || !beforeKill))
            {
                return rounds.Count;
            }

            if (!running)
            {
                throw new InvalidOperationException($"The run is {state} after {rounds.Count} rounds, before {what}; give it more rounds or more epochs (rounds that take longer). {details["run"]?["error"]}");
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F0} s waiting for {what}.");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>Polls the active coordinator until the run has completed; returns its details (<c>run</c>, <c>rounds</c>).</summary>
    /// <exception cref="InvalidOperationException">The run ended otherwise, or a process stopped unexpectedly.</exception>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>.</exception>
    public async Task<JsonNode> WaitForCompletionAsync(string runId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            ThrowIfExited();
            var details = await Api.RunAsync(runId, cancellationToken);
            switch (details["run"]?["state"]?.GetValue<string>())
            {
                case "Completed":
                    return details;
                case "Running" or "Interrupted":
                    break;
                case var state:
                    throw new InvalidOperationException($"The run ended {state}: {details["run"]?["error"]}");
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F0} s waiting for the run to complete.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <summary>The processes that stopped although nobody killed them (a crash, or an exit of their own).</summary>
    public IReadOnlyList<ChildProcess> Exited() =>
        [.. _coordinators.Where(c => !c.Killed).Select(c => c.Process).OfType<ChildProcess>().Concat(_parties).Where(p => p.HasExited)];

    /// <summary>Throws when a process stopped that was not killed on purpose, with the tail of its log.</summary>
    /// <exception cref="InvalidOperationException">A process stopped.</exception>
    public void ThrowIfExited()
    {
        var running = _coordinators.Where(c => !c.Killed).Select(c => c.Process).OfType<ChildProcess>().Concat(_parties);
        if (running.FirstOrDefault(p => p.HasExited) is { } exited)
        {
            throw new InvalidOperationException($"The {exited.Name} process stopped unexpectedly. Its log ({exited.LogPath}) ends with:\n{exited.Tail()}");
        }
    }

    public void Dispose()
    {
        foreach (var party in Enumerable.Reverse(_parties))
        {
            party.Dispose();
        }

        foreach (var slot in _coordinators)
        {
            slot.Process?.Dispose();
            slot.Api.Dispose();
        }

        _authority.Dispose();
    }

    private void StartCoordinator(int index)
    {
        var slot = _coordinators[index];
        var store = _options.Postgres is { } connection
            ? new[] { "--postgres", connection }
            : ["--db", Path.Combine(_options.WorkDirectory, "causeway.db")];
        slot.Killed = false;
        slot.StandbySince = slot.LeaseTakenAt = slot.ListeningAt = null;
        // Behind a party link the parties come from another namespace: listen on every interface.
        var host = _options.PartyLink is null ? "127.0.0.1" : "0.0.0.0";
        var process = ChildProcess.Start(
            $"coordinator-{slot.Name}",
            ["coordinator", "--listen", $"{host}:{slot.Address.Port}", "--certs", slot.Certificates, .. store, "--federation", _options.Federation],
            new Dictionary<string, string> { ["CAUSEWAY_JOIN_TOKEN"] = _joinToken, ["CAUSEWAY_ADMIN_TOKEN"] = _adminToken },
            Path.Combine(_options.WorkDirectory, $"coordinator-{slot.Name}-{slot.Starts++}.log"));
        process.LineWritten += line =>
        {
            var now = DateTimeOffset.UtcNow;
            if (line.StartsWith(StandbyLine, StringComparison.Ordinal))
            {
                slot.StandbySince ??= now;
            }
            else if (line.StartsWith(LeaseTakenLine, StringComparison.Ordinal))
            {
                slot.LeaseTakenAt ??= now;
            }
            else if (line.StartsWith(ListeningLine, StringComparison.Ordinal))
            {
                slot.ListeningAt ??= now;
            }
        };
        slot.Process = process;
    }

    private ChildProcess StartParty(LocalFederation.Party party, string logName)
    {
        // The parties reach each coordinator at its port, on loopback or at the link's host end.
        var host = _options.PartyLink?.HostAddress ?? "127.0.0.1";
        string[] joins = [.. _coordinators.SelectMany(c => new[] { "--join", $"https://{host}:{c.Address.Port}" })];
        return ChildProcess.Start(
            party.PartyId,
            ["party", .. joins, "--id", party.PartyId, "--ca", _caCertificate, .. party.Arguments],
            new Dictionary<string, string> { ["CAUSEWAY_JOIN_TOKEN"] = _joinToken },
            Path.Combine(_options.WorkDirectory, logName),
            _options.PartyLink?.Namespace);
    }

    private void NotePeak(ChildProcess process)
    {
        try
        {
            _coordinatorPeakBytes = Math.Max(_coordinatorPeakBytes, process.PeakWorkingSetBytes);
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the read.
        }
    }

    private async Task<bool> AnswersAsync(int index, CancellationToken cancellationToken)
    {
        try
        {
            await _coordinators[index].Api.StatusAsync(cancellationToken);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private async Task WaitAsync(string what, Func<CancellationToken, Task<bool>> ready, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + StartTimeout;
        Exception? last = null;
        while (DateTimeOffset.UtcNow < deadline)
        {
            ThrowIfExited();
            try
            {
                if (await ready(cancellationToken))
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = e;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        throw new TimeoutException($"Timed out waiting for {what} ({last?.Message}). Logs: {string.Join(", ", Processes.Select(p => p.LogPath))}");
    }

    private static string Name(int index) => index < 26 ? ((char)('a' + index)).ToString() : $"c{index}";

    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// One coordinator's place in the federation: its address, certificate and API client survive a restart, its process
    /// does not. The times are set from the process's output thread and read by the waiting one, hence the lock.
    /// </summary>
    private sealed class Slot(string name, string certificates, Uri address, ControlApiClient api)
    {
        private readonly Lock _gate = new();
        private DateTimeOffset? _standbySince;
        private DateTimeOffset? _leaseTakenAt;
        private DateTimeOffset? _listeningAt;

        public string Name { get; } = name;

        public string Certificates { get; } = certificates;

        public Uri Address { get; } = address;

        public ControlApiClient Api { get; } = api;

        public ChildProcess? Process { get; set; }

        public int Starts { get; set; }

        public bool Killed { get; set; }

        public DateTimeOffset? StandbySince { get => Get(ref _standbySince); set => Set(ref _standbySince, value); }

        public DateTimeOffset? LeaseTakenAt { get => Get(ref _leaseTakenAt); set => Set(ref _leaseTakenAt, value); }

        public DateTimeOffset? ListeningAt { get => Get(ref _listeningAt); set => Set(ref _listeningAt, value); }

        private DateTimeOffset? Get(ref DateTimeOffset? field)
        {
            lock (_gate)
            {
                return field;
            }
        }

        private void Set(ref DateTimeOffset? field, DateTimeOffset? value)
        {
            lock (_gate)
            {
                field = value;
            }
        }
    }
}
