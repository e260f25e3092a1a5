using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Causeway.Protocol.Security;

namespace Causeway.Cli.Composition;

/// <summary>
/// A federation of real processes on loopback: one <c>causeway coordinator</c> and one <c>causeway party</c> per
/// island, HTTP/2 + TLS with a throw-away development CA, driven through the control API. Used by <c>demo</c> and
/// <c>bench network</c>.
/// </summary>
/// <remarks>Disposing stops the parties first, so none of them sees its coordinator vanish, then the coordinator.</remarks>
internal sealed class LocalFederation : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan VerticalJobPollInterval = TimeSpan.FromMilliseconds(250);

    private readonly List<ChildProcess> _processes;
    private readonly X509Certificate2 _authority;

    private readonly string _joinToken;

    private LocalFederation(Uri coordinator, List<ChildProcess> processes, X509Certificate2 authority, ControlApiClient api, string joinToken, string adminTokenFile)
    {
        Coordinator = coordinator;
        AdminTokenFile = adminTokenFile;
        _processes = processes;
        _authority = authority;
        Api = api;
        _joinToken = joinToken;
    }

    /// <summary>The coordinator's https:// address on 127.0.0.1.</summary>
    public Uri Coordinator { get; }

    /// <summary>The coordinator's dashboard (sign in with the token in <see cref="AdminTokenFile"/>).</summary>
    public Uri Dashboard => new(Coordinator, "/dashboard");

    /// <summary>The file holding the admin token (readable by its owner only): for the dashboard and <c>causeway run --token</c>.</summary>
    public string AdminTokenFile { get; }

    /// <summary>The control API, authenticated as the federation's admin.</summary>
    public ControlApiClient Api { get; }

    /// <summary>
    /// Issues certificates under <paramref name="work"/>, starts the coordinator on a free port and one party process per
    /// entry of <paramref name="parties"/>, and returns once every party has joined.
    /// </summary>
    /// <param name="work">An existing directory for certificates, the run store and the process logs.</param>
    /// <param name="federation">The federation's name (the CA's subject).</param>
    /// <param name="parties">Each party's id and what it holds (see <see cref="Party.Horizontal"/>).</param>
    /// <param name="cancellationToken">Stops the waiting (the processes are then stopped).</param>
    /// <param name="joining">The parties to wait for: by default one per process; a process serving virtual users joins several.</param>
    /// <exception cref="InvalidOperationException">A process stopped while starting (the message holds its log tail).</exception>
    /// <exception cref="TimeoutException">The coordinator did not listen, or the parties did not join, within a minute.</exception>
    public static async Task<LocalFederation> StartAsync(string work, string federation, IReadOnlyList<Party> parties, CancellationToken cancellationToken, int? joining = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(work);
        ArgumentNullException.ThrowIfNull(parties);
        var certificates = DevCertificates.CreateDevelopmentSet(
            Path.Combine(work, "certs"), $"causeway-{federation}", parties.Select(p => p.PartyId), TimeSpan.FromDays(2));
        var joinToken = NewToken();
        var adminToken = NewToken();
        var port = FreePort();
        var coordinator = new Uri($"https://127.0.0.1:{port}");
        var processes = new List<ChildProcess>();
        var authority = DevCertificates.LoadPem(certificates.CaCertificate);
        var api = new ControlApiClient(coordinator, adminToken, authority);
        var adminTokenFile = Path.Combine(work, "admin-token");
        // Created readable by its owner only, never for a moment by others.
        var tokenFileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            tokenFileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var tokenFile = new StreamWriter(adminTokenFile, tokenFileOptions))
        {
            tokenFile.WriteLine(adminToken);
        }

        var started = new LocalFederation(coordinator, processes, authority, api, joinToken, adminTokenFile);
        try
        {
            processes.Add(ChildProcess.Start(
                "coordinator",
                ["coordinator", "--listen", $"127.0.0.1:{port}", "--certs", Path.GetDirectoryName(certificates.ServerCertificate)!, "--db", Path.Combine(work, "causeway.db"), "--federation", federation],
                new Dictionary<string, string> { ["CAUSEWAY_JOIN_TOKEN"] = joinToken, ["CAUSEWAY_ADMIN_TOKEN"] = adminToken },
                Path.Combine(work, "coordinator.log")));
            await started.WaitAsync("coordinator to listen", async ct => (await api.StatusAsync(ct)) is not null, cancellationToken);

            foreach (var party in parties)
            {
                processes.Add(ChildProcess.Start(
                    party.PartyId,
                    ["party", "--join", coordinator.ToString(), "--id", party.PartyId, "--ca", certificates.CaCertificate, .. party.Arguments],
                    new Dictionary<string, string> { ["CAUSEWAY_JOIN_TOKEN"] = joinToken },
                    Path.Combine(work, $"{party.PartyId}.log")));
            }

            var expected = joining ?? parties.Count;
            await started.WaitAsync(
                $"{expected} parties to join",
                async ct => ConnectedParties(await api.StatusAsync(ct)) >= expected,
                cancellationToken);
            return started;
        }
        catch
        {
            started.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Posts a vertical job to the coordinator and polls it until it ends, checking between polls that every process
    /// still runs; returns the job's last status (<c>state</c> completed or failed, <c>result</c> or <c>error</c>).
    /// </summary>
    /// <param name="jobJson">The job (<c>POST /api/vertical/jobs</c>).</param>
    /// <param name="onStatus">Sees every status polled, e.g. to move progress bars.</param>
    /// <param name="cancellationToken">Stops the waiting.</param>
    /// <exception cref="InvalidOperationException">A process stopped (the message holds its log tail).</exception>
    public async Task<JsonNode> RunVerticalJobAsync(string jobJson, Action<JsonNode> onStatus, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onStatus);
        var id = await Api.StartVerticalJobAsync(jobJson, cancellationToken);
        return await Api.WaitForVerticalJobAsync(
            id,
            VerticalJobPollInterval,
            status =>
            {
                ThrowIfExited();
                onStatus(status);
            },
            cancellationToken);
    }

    /// <summary>
    /// Client options for a party run inside this process (a load generator hosting many parties): the coordinator's
    /// address, the federation's join token and its CA. The options hold the CA certificate this federation owns; they
    /// are valid until it is disposed.
    /// </summary>
    public Causeway.Party.PartyClientOptions InProcessPartyOptions(string partyId) => new()
    {
        Coordinator = Coordinator,
        PartyId = partyId,
        JoinToken = _joinToken,
        FederationAuthority = _authority,
    };

    /// <summary>The coordinator's process, then the parties' in start order.</summary>
    public IReadOnlyList<ChildProcess> Processes => _processes;

    /// <summary>CPU time and peak resident memory of each process so far: the coordinator first, then the parties in start order.</summary>
    public IReadOnlyList<ProcessUsage> Usage() =>
        [.. _processes.Select(p => new ProcessUsage(p.Name, p.ProcessorTime.TotalSeconds, p.PeakWorkingSetBytes))];

    /// <summary>Throws when one of the processes has stopped, with the tail of its log.</summary>
    /// <exception cref="InvalidOperationException">A process stopped.</exception>
    public void ThrowIfExited()
    {
        if (_processes.FirstOrDefault(p => p.HasExited) is { } exited)
        {
            throw new InvalidOperationException($"The {exited.Name} process stopped unexpectedly. Its log ({exited.LogPath}) ends with:\n{exited.Tail()}");
        }
    }

    public void Dispose()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            process.Dispose();
        }

        Api.Dispose();
        _authority.Dispose();
    }

    private async Task WaitAsync(string what, Func<CancellationToken, Task<bool>> ready, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        Exception? last = null;
        while (deadline.Elapsed < StartTimeout)
        {
            ThrowIfExited();
            try
            {
                if (await ready(cancellationToken))
                {
                    return;
                }
            }
            catch (HttpRequestException e)
            {
                last = e;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"Timed out waiting for the {what} ({last?.Message}). Logs: {string.Join(", ", _processes.Select(p => p.LogPath))}");
    }

    /// <summary>One <c>causeway party</c> process to start.</summary>
    /// <param name="PartyId">Its id (and certificate name) in the federation.</param>
    /// <param name="Arguments">What it holds, as <c>causeway party</c> options: <c>--data/--eval/--schema</c>, <c>--vertical-data/--vertical-schema</c> or <c>--arbiter</c>. The federation adds <c>--join</c>, <c>--id</c> and <c>--ca</c>.</param>
    public sealed record Party(string PartyId, IReadOnlyList<string> Arguments)
    {
        /// <summary>A party of horizontal runs: its training and held-out files, read with the federation's schema.</summary>
        public static Party Horizontal(DemoDatasets.PartyFiles files, string schemaPath)
        {
            ArgumentNullException.ThrowIfNull(files);
            return new(files.PartyId, ["--data", files.Train, "--eval", files.Evaluation, "--schema", schemaPath]);
        }

        /// <summary>A party answering federated vector queries from the store in <paramref name="storeFolder"/>.</summary>
        public static Party Vectors(string partyId, string storeFolder) => new(partyId, ["--vectors", storeFolder]);

        /// <summary>
        /// A process serving share <paramref name="share"/> of <paramref name="shares"/> of a ratings file's users: one
        /// party per user (<paramref name="virtualUsers"/>, ids <c>{partyId}-{user}</c>) or one party holding them all.
        /// </summary>
        public static Party Ratings(string partyId, string ratingsPath, int share, int shares, bool virtualUsers, ulong splitSeed) => new(
            partyId,
            [
                "--ratings", ratingsPath, "--share", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{share}/{shares}"),
                "--split-seed", splitSeed.ToString(System.Globalization.CultureInfo.InvariantCulture), .. virtualUsers ? new[] { "--virtual-users" } : [],
            ]);
    }

    /// <summary>What one process has used so far.</summary>
    /// <param name="Name">"coordinator" or the party's id.</param>
    /// <param name="CpuSeconds">User + kernel CPU seconds, all threads.</param>
    /// <param name="PeakResidentBytes">Peak resident set (VmHWM on Linux).</param>
    public sealed record ProcessUsage(string Name, double CpuSeconds, long PeakResidentBytes);

    private static int ConnectedParties(JsonNode status) => status["parties"]?.AsArray().Count(p => p?["connected"]?.GetValue<bool>() ?? true) ?? 0;

    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
