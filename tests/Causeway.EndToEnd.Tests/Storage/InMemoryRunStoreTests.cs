using Causeway.Coordinator.Storage;
using static Causeway.EndToEnd.Tests.Storage.StorageTestData;

namespace Causeway.EndToEnd.Tests.Storage;

/// <summary>
/// The shared store suite against <see cref="InMemoryRunStore"/>: each test holds one <see cref="InMemoryRunDatabase"/>,
/// and every open is a new store instance on it, as a restarted coordinator reopens its database file.
/// </summary>
public sealed class InMemoryRunStoreTests : RunStoreConformanceTests
{
    private readonly InMemoryRunDatabase _database = new();

    public override Task InitializeAsync() => Task.CompletedTask;

    protected override Task<IRunStore> OpenStoreCoreAsync(RunStoreOptions? options) =>
        Task.FromResult<IRunStore>(new InMemoryRunStore(_database, options));

    protected override void SetBeforeCommit(IRunStore store, Func<int, CancellationToken, Task>? hook) =>
        ((InMemoryRunStore)store).BeforeCommit = hook;

    protected override Task KillLeaseHolderAsync(IStoreLease lease)
    {
        ((InMemoryStoreLease)lease).Revoke();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task PublicConstructor_TwoStores_EachHasItsOwnData()
    {
        await using var first = new InMemoryRunStore();
        await using var second = new InMemoryRunStore(new RunStoreOptions { CheckpointsToKeep = 1 });

        await first.CreateRunAsync("run-1", "first", "{}", T0, None);
        await second.CreateRunAsync("run-1", "second", "{}", T0, None);

        Assert.Equal("first", (await first.GetRunAsync("run-1", None))!.Name);
        Assert.Equal("second", Assert.Single(await second.ListRunsAsync(None)).Name);
    }

    [Fact]
    public async Task DisposeAsync_ThenOpenOnTheSameDatabase_DataIsStillThere()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        await store.CloseRoundAsync(Round("run-1", 1), CheckpointFor(1), None);

        await store.DisposeAsync();
        var reopened = await OpenStoreAsync();

        AssertRoundEqual(Round("run-1", 1), Assert.Single(await reopened.GetRoundsAsync("run-1", None)));
        AssertBitExact(Parameters(1), (await reopened.LoadLatestCheckpointAsync("run-1", None))!.Global);
    }
}
