using System.Globalization;
using Causeway.Coordinator.Refusals;
using Causeway.Coordinator.Storage;
using Causeway.Core.Data;
using Causeway.Federation.Horizontal;
using Causeway.Privacy.Mechanisms;
using Microsoft.Extensions.Options;

namespace Causeway.Coordinator.Statistics;

/// <summary>
/// Releases a run's merged feature statistics with differential privacy (<see cref="StatisticsRelease"/>) and charges
/// each release to the run's statistics budget (<see cref="CoordinatorOptions.StatisticsEpsilonBudget"/>,
/// <see cref="CoordinatorOptions.StatisticsDeltaBudget"/>), summing ε and δ over releases (basic composition).
/// </summary>
/// <remarks>
/// The ledger is the run store's, so it is as durable as the store: with SQLite or PostgreSQL a restarted coordinator
/// keeps what was spent. The noisy values are computed first but returned only once the charge is recorded, so a
/// refused request releases nothing and a failed charge loses no budget. Noise comes from a fresh
/// <see cref="NoiseSource.Create"/> per release, never from the run's seed.
/// </remarks>
internal sealed class StatisticsReleaser(IRunStore store, IOptions<CoordinatorOptions> options, TimeProvider time)
{
    private readonly CoordinatorOptions _options = options.Value;

    /// <summary>Releases the run's statistics with noise and charges the release to the run's budget.</summary>
    /// <returns>The noisy statistics and the budget after them.</returns>
    /// <exception cref="NotFoundException">The run is unknown or has no agreed statistics.</exception>
    /// <exception cref="InvalidRequestException">The request names a column the statistics do not have.</exception>
    /// <exception cref="ConflictException">The budget cannot pay for the release; nothing was released.</exception>
    public async Task<(ReleasedStatistics Released, StatisticsBudget Budget)> ReleaseAsync(string runId, ReleaseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(request);
        if (await FindStatisticsAsync(runId, cancellationToken).ConfigureAwait(false) is not var (statistics, schema))
        {
            throw new NotFoundException(NoStatistics(runId));
        }

        if (StatisticsRelease.DescribeUnknownColumn(statistics, request.Columns) is { } unknown)
        {
            throw new InvalidRequestException(unknown);
        }

        ReleasedStatistics released;
        using (var noise = NoiseSource.Create())
        {
            released = StatisticsRelease.Compute(statistics, schema, request, noise);
        }

        var cost = new StatisticsReleaseCost(released.Mechanism, request.Epsilon, request.Delta, time.GetUtcNow());
        var charge = await store.ChargeStatisticsReleaseAsync(runId, cost, _options.StatisticsEpsilonBudget, _options.StatisticsDeltaBudget, cancellationToken)
            .ConfigureAwait(false);
        var budget = StatisticsBudget.From(charge.Spent, _options);
        if (!charge.Accepted)
        {
            throw new ConflictException(string.Create(
                CultureInfo.InvariantCulture,
                $"the statistics budget of run '{runId}' cannot pay for this release (epsilon {request.Epsilon:G6}, delta {request.Delta:G6}): "
                + $"spent epsilon {budget.EpsilonSpent:G6} of {budget.EpsilonLimit:G6} (remaining {budget.EpsilonRemaining:G6}), "
                + $"delta {budget.DeltaSpent:G6} of {budget.DeltaLimit:G6} (remaining {budget.DeltaRemaining:G6}); nothing was released"));
        }

        return (released, budget);
    }

    /// <summary>The run's statistics budget; null when the run is unknown or has no agreed statistics.</summary>
    public async Task<StatisticsBudget?> BudgetAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        if (await FindStatisticsAsync(runId, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        return StatisticsBudget.From(await store.GetStatisticsSpentAsync(runId, cancellationToken).ConfigureAwait(false), _options);
    }

    internal static string NoStatistics(string runId) =>
        $"run '{runId}' has no merged statistics: no such run, or its parties have not agreed on a setup yet";

    private async Task<(FeatureStatistics Statistics, DataSchema Schema)?> FindStatisticsAsync(string runId, CancellationToken cancellationToken)
    {
        if (await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) is not { SetupJson: { } json }
            || Federation.Recommendation.Network.RecommendationSetup.IsRecommendation(json))
        {
            // A recommendation run has no table statistics (its popular items are released by PopularItemsReleaser).
            return null;
        }

        var setup = RunSetup.Parse(json, $"run '{runId}''s stored setup");
        return (setup.Statistics, DataSchema.Parse(setup.SchemaJson, $"run '{runId}''s schema"));
    }
}
