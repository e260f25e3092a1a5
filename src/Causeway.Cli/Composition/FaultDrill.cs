using System.Globalization;
using System.Text.Json.Nodes;

namespace Causeway.Cli.Composition;

/// <summary>
/// One run of <c>bench faults</c>: a horizontal run on a <see cref="FailoverFederation"/> while a seeded schedule injects
/// faults at random points — SIGKILL of the active coordinator (a standby takes over) and of the standby, SIGKILL of a
/// party (started again at once), a degraded link (delay and loss) and a cut link between the parties and the
/// coordinators, and hostile input (garbage protocol bodies, invalid run configurations, a party started on a CSV file
/// with a broken row) — then checks what a fault must never do.
/// </summary>
/// <remarks>
/// <para>
/// The checks: every round 1..R closed exactly once (<see cref="Result.MissingRounds"/>, <see cref="Result.DuplicateRounds"/>);
/// every round seen closed before a fault is, at the end, still stored and unchanged (every field of the
/// control API's round, close time and metrics included: <see cref="Result.LostRounds"/>); no process stopped that was
/// not killed on purpose, and the party given broken data stopped with an error naming the file, not a stack trace
/// (<see cref="Result.Crashes"/>); every hostile input was refused with a 4xx status (<see cref="Result.UnexpectedAnswers"/>).
/// </para>
/// <para>
/// The schedule is a shuffle of the faults (seeded); each waits for one or two more rounds to close after the previous one
/// (so the federation has shown it recovered), then a further 0–400 ms so that kills land at different points of a round.
/// Nothing waits for a restarted process: a killed coordinator starts again in the background and the next coordinator
/// kill waits for it to stand by; the party on broken data is checked when the run has completed. The run has four rounds
/// per fault plus twelve, so rounds are left after the last fault. Every party takes part in every round
/// (<c>minResults</c> = all of them): a round closes only once every party, restarted or cut off, is back.
/// </para>
/// </remarks>
internal static class FaultDrill
{
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StrayPartyTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The faults a run injects.</summary>
    public enum FaultKind
    {
        /// <summary>SIGKILL of the coordinator holding the store's lease; a standby takes over, the killed one restarts as the next standby.</summary>
        CoordinatorKill,

        /// <summary>SIGKILL of the coordinator waiting as a standby, restarted at once; the run must not notice.</summary>
        StandbyKill,

        /// <summary>SIGKILL of a party, restarted at once with the same id and data.</summary>
        PartyKill,

        /// <summary>Packets from the coordinators to the parties delayed by 100 ms and 10 % of them dropped, for a few seconds (a congested link where the kernel has no netem: <see cref="FaultyLink.Degrade"/>).</summary>
        DegradedLink,

        /// <summary>The link between parties and coordinators down for a few seconds.</summary>
        CutLink,

        /// <summary>Garbage protocol bodies and invalid run configurations sent to the active coordinator, and a party started on a broken CSV file.</summary>
        HostileInput,
    }

    /// <summary>What to run.</summary>
    public sealed record Settings
    {
        /// <summary>Seeds the schedule, the hostile inputs and the run. Default 1.</summary>
        public int Seed { get; init; } = 1;

        /// <summary>
        /// Local epochs per round: at 4,000 a round of the four heart disease hospitals takes about 0.4 s here, so a fault
        /// that lasts seconds spans a few rounds, not dozens. Default 4000.
        /// </summary>
        public int Epochs { get; init; } = 4000;

        /// <summary>How long a degraded or cut link lasts. Default 3 s.</summary>
        public TimeSpan NetworkFaultDuration { get; init; } = TimeSpan.FromSeconds(3);

        /// <summary>Protocol bodies and run configurations sent per hostile-input fault. Default 60.</summary>
        public int HostileInputs { get; init; } = 60;

        /// <summary>Coordinator kills per run (each a failover). Default 2.</summary>
        public int CoordinatorKills { get; init; } = 2;

        /// <summary>Party kills per run. Default 2.</summary>
        public int PartyKills { get; init; } = 2;
    }

    /// <summary>One fault as injected.</summary>
    /// <param name="Kind">What it was.</param>
    /// <param name="AfterRound">The round whose close it waited for.</param>
    /// <param name="Detail">What exactly (which process, how many inputs).</param>
    /// <param name="FailoverSeconds">For a coordinator kill: seconds from the SIGKILL to the standby's control API answering.</param>
    /// <param name="NextRoundSeconds">For a coordinator kill: seconds from the SIGKILL to the next round closed by the standby.</param>
    public sealed record Fault(FaultKind Kind, int AfterRound, string Detail, double? FailoverSeconds = null, double? NextRoundSeconds = null);

    /// <summary>What one run did and what the checks found.</summary>
    /// <param name="Seed">The run's seed.</param>
    /// <param name="Rounds">The rounds the run was configured with.</param>
    /// <param name="Faults">The faults injected, in order (fewer than planned when the run failed).</param>
    /// <param name="LostRounds">Rounds seen closed before a fault that are missing or changed at the end.</param>
    /// <param name="MissingRounds">Rounds of 1..R not closed at the end.</param>
    /// <param name="DuplicateRounds">Round numbers closed more than once.</param>
    /// <param name="DegradedRounds">Rounds closed without changing the model (fewer updates than every party's): a fault cost the round its work.</param>
    /// <param name="MalformedInputs">Hostile inputs sent (protocol bodies, run configurations, broken CSV files).</param>
    /// <param name="UnexpectedAnswers">Hostile inputs not refused with a 4xx, each as "what: answer".</param>
    /// <param name="Crashes">Processes that stopped without being killed, or a broken-data party that did not stop cleanly, each with why.</param>
    /// <param name="CoordinatorPeakBytes">The largest peak resident set of any coordinator process.</param>
    /// <param name="Failure">Why the run did not complete, or null.</param>
    public sealed record Result(
        int Seed,
        int Rounds,
        IReadOnlyList<Fault> Faults,
        int LostRounds,
        int MissingRounds,
        int DuplicateRounds,
        int DegradedRounds,
        int MalformedInputs,
        IReadOnlyList<string> UnexpectedAnswers,
        IReadOnlyList<string> Crashes,
        long CoordinatorPeakBytes,
        string? Failure)
    {
        public int Count(FaultKind kind) => Faults.Count(f => f.Kind == kind);
    }

    /// <summary>The faults of a run in the order they are injected (a seeded shuffle).</summary>
    /// <param name="settings">How many kills.</param>
    /// <param name="withNetwork">Whether a link can be degraded and cut.</param>
    public static IReadOnlyList<FaultKind> Schedule(Settings settings, bool withNetwork)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var faults = new List<FaultKind>();
        faults.AddRange(Enumerable.Repeat(FaultKind.CoordinatorKill, settings.CoordinatorKills));
        faults.AddRange(Enumerable.Repeat(FaultKind.PartyKill, settings.PartyKills));
        faults.Add(FaultKind.StandbyKill);
        faults.Add(FaultKind.HostileInput);
        if (withNetwork)
        {
            faults.Add(FaultKind.DegradedLink);
            faults.Add(FaultKind.CutLink);
        }

        var shuffled = faults.ToArray();
        new Random(settings.Seed).Shuffle(shuffled);
        return shuffled;
    }

    /// <summary>The run configuration: logistic regression, FedAvg, every party in every round, six rounds per fault plus twelve.</summary>
    public static string Config(Settings settings, int faults, int parties)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return string.Create(
            CultureInfo.InvariantCulture,
            $$"""
            {
              "name": "fault-drill",
              "seed": {{settings.Seed}},
              "rounds": {{Rounds(faults)}},
              "model": { "type": "logistic" },
              "training": { "epochs": {{settings.Epochs}}, "batchSize": 16, "learningRate": 0.05 },
              "strategy": { "name": "fedavg" },
              "round": { "deadlineSeconds": 120, "minResults": {{parties}} },
              "evaluation": { "everyRounds": 1 }
            }
            """);
    }

    /// <summary>Runs the schedule on <paramref name="federation"/> and checks the run; never throws for a fault's consequences, which are the result.</summary>
    /// <param name="federation">A started federation with a standby, and the link its parties sit behind if any.</param>
    /// <param name="link">The link to degrade and cut, or null for no network faults.</param>
    /// <param name="brokenParty">A party whose training file has a broken row (it must stop with an error).</param>
    /// <param name="settings">The seed and the sizes.</param>
    /// <param name="onFault">Sees each fault as it is injected, e.g. to print it.</param>
    /// <param name="cancellationToken">Stops the drill.</param>
    public static async Task<Result> RunAsync(
        FailoverFederation federation, FaultyLink? link, LocalFederation.Party brokenParty, Settings settings, Action<Fault>? onFault, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(federation);
        ArgumentNullException.ThrowIfNull(brokenParty);
        ArgumentNullException.ThrowIfNull(settings);
        var schedule = Schedule(settings, link is not null);
        var rounds = Rounds(schedule.Count);
        var random = new Random(settings.Seed);
        var faults = new List<Fault>();
        var seen = new Dictionary<int, string>();
        var unexpected = new List<string>();
        var crashes = new List<string>();
        var malformed = 0;
        string? failure = null;
        string? runId = null;
        ChildProcess? stray = null;
        JsonArray? final = null;
        try
        {
            runId = await federation.Api.StartRunAsync(Config(settings, schedule.Count, federation.Parties.Count), cancellationToken);
            var closed = 0;
            for (var k = 0; k < schedule.Count; k++)
            {
                var target = closed + 1 + random.Next(2);
                closed = await federation.WaitForRoundsAsync(runId, r => r.Count >= target, $"round {target} to close", RoundTimeout, cancellationToken, beforeKill: true);
                var afterRound = closed;
                Remember(seen, await ClosedRoundsAsync(federation, runId, cancellationToken));
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(400)), cancellationToken);
                Fault fault;
                switch (schedule[k])
                {
                    case FaultKind.CoordinatorKill:
                        {
                            var takeover = await federation.KillActiveAsync(cancellationToken);
                            await federation.WaitForRoundsAsync(
                                runId, r => r.Any(x => TakeoverDrill.ClosedAt(x) > takeover.LeaseTakenAt), "the first round after the takeover", RoundTimeout, cancellationToken);
                            var next = (await ClosedRoundsAsync(federation, runId, cancellationToken)).Select(TakeoverDrill.ClosedAt).Where(t => t > takeover.LeaseTakenAt).Min();
                            federation.StartAgain(takeover.Killed);
                            fault = new Fault(
                                FaultKind.CoordinatorKill,
                                afterRound,
                                $"coordinator {takeover.Killed} killed, {takeover.NewActive} took over",
                                takeover.ServingSeconds,
                                (next - takeover.KilledAt).TotalSeconds);
                            break;
                        }

                    case FaultKind.StandbyKill:
                        fault = new Fault(FaultKind.StandbyKill, afterRound, $"standby coordinator {await federation.KillStandbyAsync(cancellationToken)} killed and restarted");
                        break;

                    case FaultKind.PartyKill:
                        {
                            var index = random.Next(federation.Parties.Count);
                            var name = federation.Parties[index].Name;
                            await federation.RestartPartyAsync(index);
                            fault = new Fault(FaultKind.PartyKill, afterRound, $"party {name} killed and restarted");
                            break;
                        }

                    case FaultKind.DegradedLink:
                        {
                            var shape = link!.Degrade(TimeSpan.FromMilliseconds(100), lossPercent: 10);
                            await Task.Delay(settings.NetworkFaultDuration, cancellationToken);
                            link.Heal();
                            fault = new Fault(FaultKind.DegradedLink, afterRound, string.Create(CultureInfo.InvariantCulture, $"{shape}, for {settings.NetworkFaultDuration.TotalSeconds:F0} s"));
                            break;
                        }

                    case FaultKind.CutLink:
                        link!.SetUp(false);
                        await Task.Delay(settings.NetworkFaultDuration, cancellationToken);
                        link.SetUp(true);
                        fault = new Fault(FaultKind.CutLink, afterRound, string.Create(CultureInfo.InvariantCulture, $"link down for {settings.NetworkFaultDuration.TotalSeconds:F0} s"));
                        break;

                    default:
                        {
                            using var hostile = federation.HostileInputs(settings.Seed * 1000 + k);
                            var outcome = await hostile.SendAsync(settings.HostileInputs, sessionToken: null, cancellationToken);
                            unexpected.AddRange(outcome.Unexpected);
                            stray = federation.StartStrayParty(brokenParty);
                            malformed += outcome.Sent + 1;
                            fault = new Fault(FaultKind.HostileInput, afterRound, $"{outcome.Sent} garbage bodies and configurations ({outcome.Refused} refused), a party on a broken CSV file");
                            break;
                        }
                }

                faults.Add(fault);
                onFault?.Invoke(fault);
            }

            final = (await federation.WaitForCompletionAsync(runId, RoundTimeout, cancellationToken))["rounds"]?.AsArray() ?? [];
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
        {
            failure = e.Message;
            link?.TryRestore();
            final = runId is null ? null : await TryClosedRoundsAsync(federation, runId, cancellationToken);
        }

        if (stray is not null)
        {
            if (await StoppedCleanlyAsync(stray, cancellationToken) is { } crash)
            {
                crashes.Add(crash);
            }

            stray.Dispose();
        }

        crashes.AddRange(federation.Exited().Select(p => $"{p.Name} stopped with exit code {p.ExitCode} (log {p.LogPath})"));
        var numbers = final?.Select(r => r!["round"]!.GetValue<int>()).ToList() ?? [];
        var closedAtEnd = final?.ToDictionary(r => r!["round"]!.GetValue<int>(), r => r!.ToJsonString(), EqualityComparer<int>.Default) ?? [];
        var lost = seen.Count(s => !closedAtEnd.TryGetValue(s.Key, out var now) || now != s.Value);
        return new Result(
            settings.Seed,
            rounds,
            faults,
            lost,
            rounds - numbers.Where(n => n is >= 1 && n <= rounds).Distinct().Count(),
            numbers.Count - numbers.Distinct().Count(),
            final?.Count(r => r?["metrics"]?["succeeded"]?.GetValue<double>() == 0) ?? 0,
            malformed,
            unexpected,
            crashes,
            federation.CoordinatorPeakResidentBytes(),
            failure);
    }

    /// <summary>
    /// A party like <paramref name="files"/>'s whose training file has lost the last field of one row (seeded), written
    /// to <paramref name="directory"/> under the id <c>broken-data</c>: it must stop with an error naming the file and line.
    /// </summary>
    public static LocalFederation.Party BrokenDataParty(DemoDatasets.PartyFiles files, string schemaPath, string directory, int seed)
    {
        ArgumentNullException.ThrowIfNull(files);
        var lines = File.ReadAllLines(files.Train);
        var row = 1 + new Random(seed).Next(lines.Length - 1);
        lines[row] = lines[row][..lines[row].LastIndexOf(',')];
        var broken = Path.Combine(directory, "broken-data.csv");
        File.WriteAllLines(broken, lines);
        return new LocalFederation.Party("broken-data", ["--data", broken, "--eval", files.Evaluation, "--schema", schemaPath]);
    }

    // Each fault waits for one or two more rounds to close; while a fault lasts (seconds) rounds go on closing, so on a
    // fast, quiet machine four per fault left too little margin and the run could end before the last fault.
    private static int Rounds(int faults) => (6 * faults) + 12;

    private static async Task<JsonArray> ClosedRoundsAsync(FailoverFederation federation, string runId, CancellationToken cancellationToken) =>
        (await federation.Api.RunAsync(runId, cancellationToken))["rounds"]?.AsArray() ?? [];

    // After a failure: the rounds as far as they got, if a coordinator still answers.
    private static async Task<JsonArray?> TryClosedRoundsAsync(FailoverFederation federation, string runId, CancellationToken cancellationToken)
    {
        try
        {
            return await ClosedRoundsAsync(federation, runId, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
        {
            return null;
        }
    }

    private static void Remember(Dictionary<int, string> seen, JsonArray rounds)
    {
        foreach (var round in rounds)
        {
            seen[round!["round"]!.GetValue<int>()] = round.ToJsonString();
        }
    }

    // A party on a training file with a broken row must stop by itself, with exit code 1 or 2 and a message naming the
    // file, and no stack trace. Returns why not, or null.
    private static async Task<string?> StoppedCleanlyAsync(ChildProcess stray, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + StrayPartyTimeout;
        while (!stray.HasExited && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }

        if (!stray.HasExited)
        {
            return $"the party on a broken CSV file was still running after {StrayPartyTimeout.TotalSeconds:F0} s (log {stray.LogPath})";
        }

        var log = stray.Tail(40);
        return stray.ExitCode is 1 or 2 && !log.Contains("   at ", StringComparison.Ordinal) && log.Contains(".csv", StringComparison.Ordinal)
            ? null
            : $"the party on a broken CSV file stopped with exit code {stray.ExitCode} and this output: {log}";
    }
}
