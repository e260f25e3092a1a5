using Causeway.Coordinator.Storage;
using static Causeway.EndToEnd.Tests.Storage.StorageTestData;

namespace Causeway.EndToEnd.Tests.Storage;

/// <summary>
/// The coordinator lease (<see cref="IStoreLease"/>): one holder per database, a second store instance (a second
/// coordinator) refused while it is held, released on dispose, lost when its holder dies, and the writes of a holder that
/// lost it refused with nothing written.
/// </summary>
public abstract partial class RunStoreConformanceTests
{
    private static readonly TimeSpan LeaseTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Ends the lease the way its holder's death would, behind the holder's back: SQLite closes the lock's descriptor,
    /// PostgreSQL terminates the lease's session, the in-memory store revokes it.
    /// </summary>
    protected abstract Task KillLeaseHolderAsync(IStoreLease lease);

    [StoreFact]
    public async Task TryAcquireLease_NobodyHoldsIt_ReturnsTheLeaseAndTheStoreNamesItsHolder()
    {
        var store = await OpenStoreAsync();
        Assert.Null(await store.GetLeaseHolderAsync(None));

        await using var lease = await store.TryAcquireLeaseAsync("https://10.0.0.5:7443 (coordinator A)", None);

        Assert.NotNull(lease);
        Assert.Equal("https://10.0.0.5:7443 (coordinator A)", lease.Holder);
        Assert.Equal("https://10.0.0.5:7443 (coordinator A)", await store.GetLeaseHolderAsync(None));
        Assert.False(lease.Lost.IsCancellationRequested);
    }

    [StoreFact]
    public async Task TryAcquireLease_AnotherStoreHoldsIt_ReturnsNullAndNamesTheHolder()
    {
        var active = await OpenStoreAsync();
        var standby = await OpenStoreAsync();
        await using var lease = await active.TryAcquireLeaseAsync("coordinator A", None);

        var second = await standby.TryAcquireLeaseAsync("coordinator B", None);
        var again = await active.TryAcquireLeaseAsync("coordinator A again", None);

        Assert.NotNull(lease);
        Assert.Null(second);
        Assert.Null(again);
        Assert.Equal("coordinator A", await standby.GetLeaseHolderAsync(None));
        Assert.False(lease.Lost.IsCancellationRequested);
    }

    [StoreFact]
    public async Task DisposeLease_ReleasesIt_AnotherStoreTakesIt()
    {
        var active = await OpenStoreAsync();
        var standby = await OpenStoreAsync();
        var lease = await active.TryAcquireLeaseAsync("coordinator A", None);
        Assert.NotNull(lease);

        await lease.DisposeAsync();
        var holderAfterRelease = await standby.GetLeaseHolderAsync(None);
        await using var taken = await standby.TryAcquireLeaseAsync("coordinator B", None);

        Assert.Null(holderAfterRelease);
        Assert.NotNull(taken);
        Assert.Equal("coordinator B", await active.GetLeaseHolderAsync(None));
        Assert.False(lease.Lost.IsCancellationRequested);
    }

    [StoreFact]
    public async Task WritesWhileHoldingTheLease_AreStored()
    {
        var store = await OpenStoreAsync();
        await using var lease = await store.TryAcquireLeaseAsync("coordinator A", None);
        Assert.NotNull(lease);

        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        await store.SaveRunSetupAsync("run-1", """{"model":1}""", None);
        await store.SetRunStatusAsync("run-1", RunStatus.Running, null, T0, None);
        await store.CloseRoundAsync(Round("run-1", 1), CheckpointFor(1), None);
        var charge = await store.ChargeStatisticsReleaseAsync("run-1", new StatisticsReleaseCost("laplace", 0.1, 0, T0), 1, 0, None);

        var run = await store.GetRunAsync("run-1", None);
        Assert.Equal((RunStatus.Running, """{"model":1}"""), (run!.Status, run.SetupJson));
        Assert.Equal([1], (await store.GetRoundsAsync("run-1", None)).Select(r => r.Round));
        Assert.True(charge.Accepted);
    }

    [StoreFact]
    public async Task HolderDies_AnotherStoreTakesTheLease_TheOldHolderLearnsItAndItsWritesAreRefused()
    {
        var active = await OpenStoreAsync();
        var standby = await OpenStoreAsync();
        var lease = await active.TryAcquireLeaseAsync("coordinator A", None);
        Assert.NotNull(lease);
        await active.CreateRunAsync("run-1", "r", "{}", T0, None);
        await active.SetRunStatusAsync("run-1", RunStatus.Running, null, T0, None);
        await active.CloseRoundAsync(Round("run-1", 1), CheckpointFor(1), None);

        await KillLeaseHolderAsync(lease);
        await using var taken = await EventuallyAcquireAsync(standby, "coordinator B");
        await WaitForAsync(lease.Lost);

        // The old holder goes on as if nothing happened: every write of run state is refused, none is stored.
        await Assert.ThrowsAsync<StoreLeaseLostException>(() => active.CloseRoundAsync(Round("run-1", 2), CheckpointFor(2), None));
        await Assert.ThrowsAsync<StoreLeaseLostException>(() => active.SetRunStatusAsync("run-1", RunStatus.Failed, "Round 2 is already closed", T0.AddHours(1), None));
        await Assert.ThrowsAsync<StoreLeaseLostException>(() => active.ChargeStatisticsReleaseAsync("run-1", new StatisticsReleaseCost("laplace", 0.1, 0, T0), 1, 0, None));
        Assert.Equal([1], (await standby.GetRoundsAsync("run-1", None)).Select(r => r.Round));
        Assert.Equal(RunStatus.Running, (await standby.GetRunAsync("run-1", None))!.Status);
        Assert.Equal(0, (await standby.GetStatisticsSpentAsync("run-1", None)).Releases);

        // The new holder resumes after round 1.
        Assert.Equal(1, (await standby.LoadLatestCheckpointAsync("run-1", None))!.LastClosedRound);
        await standby.CloseRoundAsync(Round("run-1", 2), CheckpointFor(2), None);
        await standby.SetRunStatusAsync("run-1", RunStatus.Completed, null, T0.AddHours(1), None);
        Assert.Equal([1, 2], (await active.GetRoundsAsync("run-1", None)).Select(r => r.Round));
        Assert.Equal("coordinator B", await active.GetLeaseHolderAsync(None));
        await lease.DisposeAsync();
    }

    [StoreFact]
    public async Task DisposeLease_ThenWrite_IsRefusedAndNothingIsWritten()
    {
        var store = await OpenStoreAsync();
        var lease = await store.TryAcquireLeaseAsync("coordinator A", None);
        Assert.NotNull(lease);
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        await store.SetRunStatusAsync("run-1", RunStatus.Running, null, T0, None);

        await lease.DisposeAsync();

        var error = await Assert.ThrowsAsync<StoreLeaseLostException>(() => store.SetRunStatusAsync("run-1", RunStatus.Stopped, null, T0, None));
        Assert.Contains("gave up the store's lease", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StoreLeaseLostException>(() => store.CloseRoundAsync(Round("run-1", 1), CheckpointFor(1), None));
        Assert.Equal(RunStatus.Running, (await store.GetRunAsync("run-1", None))!.Status);
        Assert.Empty(await store.GetRoundsAsync("run-1", None));
    }

    /// <summary>Tries to take the lease until it is free (a database may need a moment to notice its holder's death).</summary>
    protected static async Task<IStoreLease> EventuallyAcquireAsync(IRunStore store, string holder)
    {
        var deadline = DateTime.UtcNow + LeaseTimeout;
        while (true)
        {
            if (await store.TryAcquireLeaseAsync(holder, None) is { } lease)
            {
                return lease;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The lease was still held after {LeaseTimeout.TotalSeconds:F0} s.");
            await Task.Delay(50);
        }
    }

    private static async Task WaitForAsync(CancellationToken lost)
    {
        var cancelled = new TaskCompletionSource();
        await using (lost.Register(() => cancelled.TrySetResult()))
        {
            await cancelled.Task.WaitAsync(LeaseTimeout);
        }

        Assert.True(lost.IsCancellationRequested);
    }
}
