using Causeway.Coordinator.Storage;
using static Causeway.EndToEnd.Tests.Storage.StorageTestData;

namespace Causeway.EndToEnd.Tests.Storage;

/// <summary>
/// The statistics budget ledger (<see cref="IRunStore.ChargeStatisticsReleaseAsync"/>): sums, refusals that write
/// nothing, durability across a reopen, and concurrent charges that cannot overspend.
/// </summary>
public abstract partial class RunStoreConformanceTests
{
    [StoreFact]
    public async Task Charge_WithinTheBudget_IsRecorded_AndAReopenedStoreSumsIt()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);

        var first = await store.ChargeStatisticsReleaseAsync("run-1", Cost("laplace", 0.25, 0), 1.0, 1e-6, None);
        var second = await store.ChargeStatisticsReleaseAsync("run-1", Cost("gaussian", 0.5, 4e-7), 1.0, 1e-6, None);
        var reopened = await OpenStoreAsync();

        Assert.Equal(new StatisticsBudgetCharge(true, new StatisticsBudgetSpent(0.25, 0, 1)), first);
        Assert.Equal(new StatisticsBudgetCharge(true, new StatisticsBudgetSpent(0.75, 4e-7, 2)), second);
        Assert.Equal(new StatisticsBudgetSpent(0.75, 4e-7, 2), await reopened.GetStatisticsSpentAsync("run-1", None));
        Assert.Equal(StatisticsBudgetSpent.None, await reopened.GetStatisticsSpentAsync("run-other", None));
    }

    [StoreFact]
    public async Task Charge_OverEpsilonOrDelta_IsRefused_AndNothingIsRecorded()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        await store.ChargeStatisticsReleaseAsync("run-1", Cost("gaussian", 0.5, 6e-7), 1.0, 1e-6, None);

        var overEpsilon = await store.ChargeStatisticsReleaseAsync("run-1", Cost("laplace", 0.6, 0), 1.0, 1e-6, None);
        var overDelta = await store.ChargeStatisticsReleaseAsync("run-1", Cost("gaussian", 0.1, 5e-7), 1.0, 1e-6, None);

        var unchanged = new StatisticsBudgetSpent(0.5, 6e-7, 1);
        Assert.Equal(new StatisticsBudgetCharge(false, unchanged), overEpsilon);
        Assert.Equal(new StatisticsBudgetCharge(false, unchanged), overDelta);
        Assert.Equal(unchanged, await store.GetStatisticsSpentAsync("run-1", None));
    }

    [StoreFact]
    public async Task Charge_FiveFifthsOfTheBudget_AllFitDespiteRounding()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);

        var accepted = new List<bool>();
        for (var i = 0; i < 6; i++)
        {
            accepted.Add((await store.ChargeStatisticsReleaseAsync("run-1", Cost("laplace", 0.2, 0), 1.0, 0, None)).Accepted);
        }

        Assert.Equal([true, true, true, true, true, false], accepted);
    }

    [StoreFact]
    public async Task Charge_TenConcurrentQuarters_ExactlyFourPass()
    {
        var stores = new[] { await OpenStoreAsync(), await OpenStoreAsync() };
        await stores[0].CreateRunAsync("run-1", "r", "{}", T0, None);

        var charges = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => stores[i % 2].ChargeStatisticsReleaseAsync("run-1", Cost("laplace", 0.25, 0), 1.0, 0, None))));

        Assert.Equal(4, charges.Count(c => c.Accepted));
        Assert.Equal(new StatisticsBudgetSpent(1.0, 0, 4), await stores[1].GetStatisticsSpentAsync("run-1", None));
    }

    [StoreFact]
    public async Task Charge_UnknownRun_ThrowsRunNotFound()
    {
        var store = await OpenStoreAsync();

        await Assert.ThrowsAsync<RunNotFoundException>(() => store.ChargeStatisticsReleaseAsync("run-nope", Cost("laplace", 0.1, 0), 1.0, 0, None));
    }

    private static StatisticsReleaseCost Cost(string mechanism, double epsilon, double delta) => new(mechanism, epsilon, delta, T0);
}
