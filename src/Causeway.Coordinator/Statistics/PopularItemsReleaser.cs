using System.Globalization;
using Causeway.Coordinator.Mailbox;
using Causeway.Coordinator.Parties;
using Causeway.Coordinator.Refusals;
using Causeway.Coordinator.Runs;
using Causeway.Coordinator.Storage;
using Causeway.Federation;
using Causeway.Federation.Recommendation.Network;
using Causeway.Federation.Recommendation.Popularity;
using Microsoft.Extensions.Options;

namespace Causeway.Coordinator.Statistics;

/// <summary>
/// Releases a recommendation run's popular items with differential privacy (<see cref="PopularItems"/>): charges
/// (ε, δ) to the run's statistics budget, asks every connected ratings party of the run for its noisy item counts, adds
/// them and ranks the items. The coordinator never receives an exact count.
/// </summary>
/// <remarks>
/// The charge comes first: the parties' answers are the release (the coordinator sees them), so a refused charge asks
/// nobody, and a charged release whose parties then fail still counts against the budget. Parties that do not answer
/// within the timeout are left out of the sum (the answer says how many answered).
/// </remarks>
internal sealed class PopularItemsReleaser(IRunStore store, NetworkPartyChannel channel, PartyRegistry parties, RunService runs, IOptions<CoordinatorOptions> options, TimeProvider time)
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(60);
    private readonly CoordinatorOptions _options = options.Value;

    /// <exception cref="NotFoundException">The run is unknown or not a recommendation run with a setup.</exception>
    /// <exception cref="InvalidRequestException">A value is out of range.</exception>
    /// <exception cref="ConflictException">The run is in progress, no ratings party of it is connected, or the budget cannot pay.</exception>
    public async Task<(PopularItemsRelease Release, StatisticsBudget Budget)> ReleaseAsync(string runId, PopularItemsQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(query);
        if (query.Describe() is { } invalid)
        {
            throw new InvalidRequestException(invalid);
        }

        if (await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) is not { SetupJson: { } json } || !RecommendationSetup.IsRecommendation(json))
        {
            throw new NotFoundException($"run '{runId}' is not a recommendation run with an agreed setup");
        }

        if (runs.ActiveRunId == runId)
        {
            throw new ConflictException($"run '{runId}' is in progress; release its popular items once it has finished");
        }

        var setup = RecommendationSetup.Parse(json, $"run '{runId}''s stored setup");
        var askable = parties.ActiveSessions().Where(s => setup.DescribeMisfit(s.Data?.Ratings) is null).Select(s => s.Party).ToList();
        if (askable.Count == 0)
        {
            throw new ConflictException($"no ratings party of run '{runId}' is connected; its parties hold the counts");
        }

        var cost = new StatisticsReleaseCost("gaussian", query.Epsilon, query.Delta, time.GetUtcNow());
        var charge = await store.ChargeStatisticsReleaseAsync(runId, cost, _options.StatisticsEpsilonBudget, _options.StatisticsDeltaBudget, cancellationToken)
            .ConfigureAwait(false);
        var budget = StatisticsBudget.From(charge.Spent, _options);
        if (!charge.Accepted)
        {
            throw new ConflictException(string.Create(
                CultureInfo.InvariantCulture,
                $"the statistics budget of run '{runId}' cannot pay for this release (epsilon {query.Epsilon:G6}, delta {query.Delta:G6}): "
                + $"remaining epsilon {budget.EpsilonRemaining:G6}, delta {budget.DeltaRemaining:G6}; no party was asked"));
        }

        var sigma = PopularItems.NoiseFor(query.Epsilon, query.Delta, query.MaxItemsPerUser);
        var request = new PopularItemsRequest(setup.Spec.Items, setup.Catalogue, query.MaxItemsPerUser, sigma);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AnswerTimeout);
        var answers = await Task.WhenAll(askable.Select(party => AskAsync(party, runId, request, timeout.Token))).ConfigureAwait(false);

        // Added in party order, so the sum does not depend on who answered first.
        var sum = new double[setup.Spec.Items];
        var answered = 0;
        foreach (var counts in answers)
        {
            if (counts is not null && counts.Length == sum.Length)
            {
                answered++;
                for (var i = 0; i < sum.Length; i++)
                {
                    sum[i] += counts[i];
                }
            }
        }

        var top = PopularItems.Top(sum, query.Top).Select(t => new PopularItem(t.Item, t.Count)).ToList();
        return (new PopularItemsRelease(top, answered, askable.Count, sigma, query.Epsilon, query.Delta, query.MaxItemsPerUser), budget);
    }

    private async Task<double[]?> AskAsync(PartyId party, string runId, PopularItemsRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await channel.ExchangeAsync(party, new ProtocolStep(new RoundInfo(runId, 0, 0), request), cancellationToken).ConfigureAwait(false);
            return reply.Reply is NoisyItemCounts counts ? counts.Counts : null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}

/// <summary>A popular-items release request: <c>{"epsilon", "delta", "maxItemsPerUser", "top"}</c>.</summary>
/// <param name="Epsilon">ε in (0, 1) (the classic Gaussian calibration).</param>
/// <param name="Delta">δ in (0, 1).</param>
/// <param name="MaxItemsPerUser">L ≥ 1: how many items one user may add to the counts. Default 50.</param>
/// <param name="Top">How many items to return, 1 to 1,000. Default 10.</param>
public sealed record PopularItemsQuery(double Epsilon, double Delta, int MaxItemsPerUser = 50, int Top = 10)
{
    /// <summary>Why the query is out of range, naming the field; null when it is valid.</summary>
    public string? Describe() =>
        !(Epsilon is > 0 and < 1) ? $"epsilon must be in (0, 1) for the Gaussian mechanism, got {Epsilon}"
        : !(Delta is > 0 and < 1) ? $"delta must be in (0, 1), got {Delta}"
        : MaxItemsPerUser < 1 ? $"maxItemsPerUser must be at least 1, got {MaxItemsPerUser}"
        : Top is < 1 or > 1000 ? $"top must be from 1 to 1000, got {Top}"
        : null;
}

/// <summary>An item of the release: its row in the item model (ids are in the parties' catalogue) and its noisy count.</summary>
public sealed record PopularItem(int Row, double NoisyCount);

/// <summary>What a popular-items release returns.</summary>
/// <param name="Items">The top items by noisy count, best first.</param>
/// <param name="PartiesAnswered">Parties whose counts are in the sum.</param>
/// <param name="PartiesAsked">Parties asked.</param>
/// <param name="NoiseStandardDeviation">σ each party added to every count.</param>
/// <param name="Epsilon">ε charged.</param>
/// <param name="Delta">δ charged.</param>
/// <param name="MaxItemsPerUser">L.</param>
public sealed record PopularItemsRelease(
    IReadOnlyList<PopularItem> Items, int PartiesAnswered, int PartiesAsked, double NoiseStandardDeviation, double Epsilon, double Delta, int MaxItemsPerUser);
