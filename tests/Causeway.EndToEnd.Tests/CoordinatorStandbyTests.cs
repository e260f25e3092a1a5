using Causeway.Coordinator.Hosting;
using Causeway.Coordinator.Storage;
using Causeway.EndToEnd.Tests.Infrastructure;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// <see cref="CoordinatorStandby.WaitForLeaseAsync"/> over two store instances on one in-memory database, as two
/// coordinators on one store: the second waits, names the holder, and takes the lease once the first lets it go.
/// </summary>
public sealed class CoordinatorStandbyTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    [Fact]
    public async Task WaitForLease_HeldByAnotherCoordinator_NamesItAndWaits_ThenTakesTheLeaseWhenItIsReleased()
    {
        var database = new InMemoryRunDatabase();
        await using var active = new InMemoryRunStore(database, null);
        await using var standby = new InMemoryRunStore(database, null);
        var held = await active.TryAcquireLeaseAsync("https://10.0.0.5:7443", CancellationToken.None);
        Assert.NotNull(held);
        var reported = new List<string>();
        var named = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        var waiting = CoordinatorStandby.WaitForLeaseAsync(standby, "https://10.0.0.6:7443", h =>
        {
            reported.Add(h);
            named.TrySetResult(h);
        }, Poll);
        var holder = await named.Task.DefaultTimeout();
        await Task.Delay(Poll * 10);
        var completedWhileHeld = waiting.IsCompleted;
        await held.DisposeAsync();
        await using var taken = await waiting.DefaultTimeout();

        Assert.Equal("https://10.0.0.5:7443", holder);
        Assert.False(completedWhileHeld);
        Assert.Equal(["https://10.0.0.5:7443"], reported);
        Assert.Equal("https://10.0.0.6:7443", taken.Holder);
        Assert.Equal("https://10.0.0.6:7443", await active.GetLeaseHolderAsync(CancellationToken.None));
    }

    [Fact]
    public async Task WaitForLease_NobodyHoldsIt_TakesItWithoutReportingAStandby()
    {
        await using var store = new InMemoryRunStore();
        var reported = new List<string>();

        await using var lease = await CoordinatorStandby.WaitForLeaseAsync(store, "coordinator A", reported.Add, Poll).DefaultTimeout();

        Assert.Equal("coordinator A", lease.Holder);
        Assert.Empty(reported);
    }

    [Fact]
    public async Task WaitForLease_Cancelled_StopsWaitingAndTakesNothing()
    {
        var database = new InMemoryRunDatabase();
        await using var active = new InMemoryRunStore(database, null);
        await using var standby = new InMemoryRunStore(database, null);
        await using var held = await active.TryAcquireLeaseAsync("coordinator A", CancellationToken.None);
        using var stop = new CancellationTokenSource();

        var waiting = CoordinatorStandby.WaitForLeaseAsync(standby, "coordinator B", _ => stop.Cancel(), Poll, cancellationToken: stop.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting).DefaultTimeout();
        Assert.Equal("coordinator A", await standby.GetLeaseHolderAsync(CancellationToken.None));
    }
}
