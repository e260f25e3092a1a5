using Causeway.Coordinator.Storage;
using static Causeway.EndToEnd.Tests.Storage.StorageTestData;

namespace Causeway.EndToEnd.Tests.Storage;

/// <summary>
/// What the crash-test child process does: close rounds 1..3 of run "run-1", then write round 4 (with a large
/// checkpoint) and stop just before its commit, announce it on stdout and wait to be killed. In the lease mode
/// (<see cref="ModeVariable"/> = <c>lease</c>) it takes the store's coordinator lease instead, announces it and waits.
/// </summary>
internal static class CrashChild
{
    public const string ProviderVariable = "CAUSEWAY_CRASH_CHILD_PROVIDER";
    public const string TargetVariable = "CAUSEWAY_CRASH_CHILD_TARGET";
    public const string ModeVariable = "CAUSEWAY_CRASH_CHILD_MODE";
    public const string ReadyMarker = "crash-child: round 4 written, commit pending";
    public const string LeaseMarker = "crash-child: lease held";
    public const string LeaseHolder = "crash child";
    public const string RunId = "run-1";

    /// <summary>Round 4's model: 4 MiB of float32, more than SQLite's page cache, so uncommitted pages spill to the WAL.</summary>
    public const int Round4Length = 1 << 20;

    public static void RunIfRequested()
    {
        var provider = Environment.GetEnvironmentVariable(ProviderVariable);
        var target = Environment.GetEnvironmentVariable(TargetVariable);
        if (provider is null || target is null)
        {
            return;
        }

        try
        {
            RunAsync(provider, target).GetAwaiter().GetResult();
            Console.Error.WriteLine("crash-child: round 4 committed, which the hook should have prevented");
            Environment.Exit(3);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine(e);
            Environment.Exit(2);
        }
    }

    public static RoundRecord Round4 => Round(RunId, 4);

    private static async Task RunAsync(string provider, string target)
    {
        var cancellationToken = CancellationToken.None;
        var store = await OpenAsync(provider, target, cancellationToken);
        if (Environment.GetEnvironmentVariable(ModeVariable) == "lease")
        {
            _ = await store.TryAcquireLeaseAsync(LeaseHolder, cancellationToken)
                ?? throw new InvalidOperationException("crash-child: the lease was already held");
            Console.Out.WriteLine(LeaseMarker);
            Console.Out.Flush();
            Thread.Sleep(TimeSpan.FromSeconds(60));
            Environment.Exit(4);
        }

        await store.CreateRunAsync(RunId, "crash test", "{}", T0, cancellationToken);
        await store.SetRunStatusAsync(RunId, RunStatus.Running, null, T0, cancellationToken);
        for (var round = 1; round <= 3; round++)
        {
            await store.CloseRoundAsync(Round(RunId, round), CheckpointFor(round), cancellationToken);
        }

        await store.CloseRoundAsync(Round4, new Checkpoint(LargeParameters(Round4Length, seed: 4), Parameters(1004)), cancellationToken);
    }

    private static async Task<IRunStore> OpenAsync(string provider, string target, CancellationToken cancellationToken)
    {
        IRunStore store;
        switch (provider)
        {
            case "sqlite":
                var sqlite = await SqliteRunStore.OpenAsync(target, null, cancellationToken);
                sqlite.BeforeCommit = HoldUntilKilled;
                store = sqlite;
                break;
            case "postgres":
                var postgres = await PostgresRunStore.OpenAsync(target, null, cancellationToken);
                postgres.BeforeCommit = HoldUntilKilled;
                store = postgres;
                break;
            default:
                throw new ArgumentException($"Unknown provider '{provider}'.", nameof(provider));
        }

        return store;
    }

    private static Task HoldUntilKilled(int round, CancellationToken cancellationToken)
    {
        if (round < 4)
        {
            return Task.CompletedTask;
        }

        Console.Out.WriteLine(ReadyMarker);
        Console.Out.Flush();

        // The parent kills the process now; exit on our own only if it never does.
        Thread.Sleep(TimeSpan.FromSeconds(60));
        Environment.Exit(4);
        return Task.CompletedTask;
    }
}
