using System.Globalization;
using Causeway.Coordinator.Runs;
using Causeway.Coordinator.Storage;
using Causeway.Core.Data;
using Causeway.Federation.Horizontal;
using Causeway.Privacy.Mechanisms;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Causeway.Coordinator.Statistics;

/// <summary>
/// Releases a run's merged feature statistics with differential privacy (<see cref="StatisticsRelease"/>) and charges
/// each release to the run's statistics budget (<see cref="CoordinatorOptions.StatisticsEpsilonBudget"/>,
/// <see cref="CoordinatorOptions.StatisticsDeltaBudget"/>), summing ε and δ over releases (basic composition).
/// </summary>
/// <remarks>
/// With an <see cref="IRunStore"/> the ledger is durable: a restarted coordinator keeps what was spent. Without one it
/// lives in this process only. The noisy values are computed first but returned only once the charge is recorded, so a
/// refused request releases nothing and a failed charge loses no budget. Noise comes from a fresh
/// <see cref="NoiseSource.Create"/> per release, never from the run's seed.
/// </remarks>
internal sealed class StatisticsReleaser(RunManager runs, IOptions<CoordinatorOptions> options, TimeProvider time, IRunStore? store = null)
{
    private readonly CoordinatorOptions _options = options.Value;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, StatisticsBudgetSpent> _spentInMemory = new(StringComparer.Ordinal);

    public async Task<ReleaseOutcome> ReleaseAsync(string runId, ReleaseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(request);
        if (await FindStatisticsAsync(runId, cancellationToken).ConfigureAwait(false) is not var (statistics, schema))
        {
            return ReleaseOutcome.Refused(StatusCodes.Status404NotFound, NoStatistics(runId));
        }

        if (StatisticsRelease.DescribeUnknownColumn(statistics, request.Columns) is { } unknown)
        {
            return ReleaseOutcome.Refused(StatusCodes.Status400BadRequest, unknown);
        }

        ReleasedStatistics released;
        using (var noise = NoiseSource.Create())
        {
            released = StatisticsRelease.Compute(statistics, schema, request, noise);
        }

        var cost = new StatisticsReleaseCost(released.Mechanism, request.Epsilon, request.Delta, time.GetUtcNow());
        var charge = store is null
            ? ChargeInMemory(runId, cost)
            : await store.ChargeStatisticsReleaseAsync(runId, cost, _options.StatisticsEpsilonBudget, _options.StatisticsDeltaBudget, cancellationToken)
                .ConfigureAwait(false);
        var budget = StatisticsBudget.From(charge.Spent, _options);
        if (!charge.Accepted)
        {
            return ReleaseOutcome.Refused(StatusCodes.Status409Conflict, string.Create(
                CultureInfo.InvariantCulture,
                $"the statistics budget of run '{runId}' cannot pay for this release (epsilon {request.Epsilon:G6}, delta {request.Delta:G6}): "
                + $"spent epsilon {budget.EpsilonSpent:G6} of {budget.EpsilonLimit:G6} (remaining {budget.EpsilonRemaining:G6}), "
                + $"delta {budget.DeltaSpent:G6} of {budget.DeltaLimit:G6} (remaining {budget.DeltaRemaining:G6}); nothing was released"));
        }

        return new ReleaseOutcome(released, budget, StatusCodes.Status200OK, null);
    }

    /// <summary>The run's statistics budget; null when the run is unknown or has no agreed statistics.</summary>
    public async Task<StatisticsBudget?> BudgetAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        if (await FindStatisticsAsync(runId, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        StatisticsBudgetSpent spent;
        if (store is not null)
        {
            spent = await store.GetStatisticsSpentAsync(runId, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            lock (_lock)
            {
                spent = _spentInMemory.GetValueOrDefault(runId) ?? StatisticsBudgetSpent.None;
            }
        }

        return StatisticsBudget.From(spent, _options);
    }

    internal static string NoStatistics(string runId) =>
        $"run '{runId}' has no merged statistics: no such run, or its parties have not agreed on a setup yet";

    // The stored setup first (a run of an earlier process, or one not yet checkpointed), else the live run's.
    private async Task<(FeatureStatistics Statistics, DataSchema Schema)?> FindStatisticsAsync(string runId, CancellationToken cancellationToken)
    {
        if (store is not null && await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) is { SetupJson: { } json })
        {
            var setup = RunSetup.Parse(json, $"run '{runId}''s stored setup");
            return (setup.Statistics, DataSchema.Parse(setup.SchemaJson, $"run '{runId}''s schema"));
        }

        return await runs.FindModelAsync(runId, cancellationToken).ConfigureAwait(false) is { } model ? (model.Statistics, model.Schema) : null;
    }

    private StatisticsBudgetCharge ChargeInMemory(string runId, StatisticsReleaseCost cost)
    {
        lock (_lock)
        {
            var spent = _spentInMemory.GetValueOrDefault(runId) ?? StatisticsBudgetSpent.None;
            var after = spent.Add(cost);
            if (!after.FitsWithin(_options.StatisticsEpsilonBudget, _options.StatisticsDeltaBudget))
            {
                return new StatisticsBudgetCharge(false, spent);
            }

            _spentInMemory[runId] = after;
            return new StatisticsBudgetCharge(true, after);
        }
    }
}
