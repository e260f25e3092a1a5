using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Recommendation.Data;
using Causeway.Federation.Recommendation.Metrics;
using Causeway.Federation.Recommendation.Models;

namespace Causeway.Federation.Recommendation.Simulation;

/// <summary>
/// Runs federated collaborative filtering in one process: every user (or silo) is a <see cref="RecommendationParty"/>
/// that keeps its users' vectors across rounds, and the rounds are the horizontal <see cref="RoundEngine"/>'s, over a
/// <see cref="RecommendationChannel"/>, with an <see cref="ItemAggregator"/> and the chosen server optimizer.
/// </summary>
/// <remarks>
/// Three steps, so a caller can time and inspect each: <see cref="CreateParties"/>, <see cref="RunAsync"/> and
/// <see cref="Evaluate"/>. Updates are folded in selection order, so a seeded run is reproducible on one machine.
/// </remarks>
public sealed class RecommendationSimulator
{
    private readonly RecommendationRunOptions _options;
    private readonly RecommendationPlan _plan;

    public RecommendationSimulator(RecommendationRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Spec, nameof(options));
        ArgumentNullException.ThrowIfNull(options.Plan, nameof(options));
        options.Spec.Validate();
        options.ValidatePrivacy();
        if (options.Spec.Genres is not null && options.Aggregation != ItemAggregation.GradientSum)
        {
            throw new ArgumentException("The hybrid model (genres) runs with the gradient sum: its genre rows learn through the item gradient's chain rule.");
        }

        _plan = options.Plan with
        {
            Update = options.Aggregation == ItemAggregation.GradientSum ? ItemUpdate.Gradient : ItemUpdate.Delta,
            Form = options.EffectiveForm,
        };
        _plan.Validate();
        _ = options.ServerOptimizer()();
        _options = options;
    }

    /// <summary>The plan every party runs (the options' plan with the update the aggregation needs and the form a protection or DP needs).</summary>
    public RecommendationPlan Plan => _plan;

    /// <summary>The parties' CPU seconds (training, protection, protocol steps) in the last <see cref="RunAsync"/>, when <see cref="RecommendationRunOptions.MeasurePartyCpu"/> is set; 0 otherwise.</summary>
    public double PartyCpuSeconds { get; private set; }

    /// <summary>Makes the parties of <paramref name="partition"/>, each with its users' ratings and fresh user vectors.</summary>
    public IReadOnlyList<RecommendationParty> CreateParties(RatingsSplit split, IReadOnlyList<PartyUsers> partition)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(partition);
        var data = PartyRatings.Build(split, partition);
        var layouts = new ItemUpdateLayouts(_options.Spec.Factors);
        var parties = new RecommendationParty[partition.Count];
        for (var p = 0; p < parties.Length; p++)
        {
            parties[p] = new RecommendationParty(partition[p].Party, data[p], _options.Spec, _plan, _options.Seed, layouts, _options.TimeProvider);
        }

        return parties;
    }

    /// <summary>Runs the rounds from the seeded initial item model.</summary>
    /// <param name="parties">The parties (from <see cref="CreateParties"/>); their user vectors carry on from any earlier run.</param>
    /// <param name="observer">Hears every closed round; null for none.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public async Task<RunResult> RunAsync(IReadOnlyList<RecommendationParty> parties, IRunObserver? observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parties);
        var options = _options;
        // User-level DP releases the clipped uniform mean (DP-FedAvg); the per-item aggregation would divide by counts
        // that nobody noised.
        IAggregator aggregator = options.Privacy is null ? new ItemAggregator(options.Aggregation) : new WeightedMeanAggregator(AggregationWeighting.Uniform);
        var strategy = new Strategy(options.Server, new FractionSelector(options.Fraction), aggregator, options.ServerOptimizer(), plan => plan);
        using var channel = new RecommendationChannel(parties, options.MaxParallelism, options.MeasurePartyCpu);
        var engine = RunEngine.Create(new RoundEngineOptions
        {
            PartyCertificates = channel.CertificateOf,
            Strategy = strategy,
            Rounds = options.Rounds,
            Seed = options.Seed,
            RunId = "recommendation",
            Deadline = options.Deadline,
            EvaluateEveryRounds = options.EvaluateEveryRounds,
            FoldOrder = FoldOrder.Selection,
            TimeProvider = options.TimeProvider,
            Buffered = options.Buffered,
            Protection = options.Protection,
            Privacy = options.Privacy,
        });
        var ids = parties.Select(p => p.Party).ToList();
        var evaluator = options.EvaluateEveryRounds > 0 && options.Spec.Kind == RecommenderKind.MatrixFactorization
            ? new FederatedEvaluator(channel, ids, options.Deadline, options.TimeProvider)
            : null;
        var result = await engine.RunAsync(options.Spec.Initialize(options.Seed), new FixedRoster(ids), channel, evaluator, observer, null, cancellationToken).ConfigureAwait(false);
        PartyCpuSeconds = channel.PartyCpuSeconds;
        return result;
    }

    /// <summary>The rating errors of a <paramref name="subset"/> of the held-out ratings (cold items, cold users), scored where the users are and added in party order.</summary>
    public RatingErrors EvaluateRatings(IReadOnlyList<RecommendationParty> parties, ParameterSet global, RatingSubset subset)
    {
        ArgumentNullException.ThrowIfNull(parties);
        ArgumentNullException.ThrowIfNull(global);
        ArgumentNullException.ThrowIfNull(subset);
        var results = new RatingErrors[parties.Count];
        Parallel.For(0, parties.Count, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelism ?? Environment.ProcessorCount }, p => results[p] = parties[p].EvaluateRatings(global, subset));
        RatingErrors total = default;
        foreach (var errors in results)
        {
            total = total.Combine(errors);
        }

        return total;
    }

    /// <summary>
    /// Scores <paramref name="global"/> where the users are: every party evaluates its held-out ratings with its own
    /// user vectors, and the sums are added in party order (so the figure does not depend on thread timing).
    /// </summary>
    /// <exception cref="ArgumentException">The model holds NaN or infinity (a diverged run).</exception>
    public RecommenderScores Evaluate(IReadOnlyList<RecommendationParty> parties, ParameterSet global, RankingOptions ranking, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parties);
        ArgumentNullException.ThrowIfNull(global);
        ArgumentNullException.ThrowIfNull(ranking);
        if (!global.AllFinite())
        {
            throw new ArgumentException("The item model holds NaN or infinity (training diverged: lower the server learning rate); it cannot be scored.", nameof(global));
        }

        var results = new (RatingErrors Ratings, RankingTotals Sampled, RankingTotals Full)[parties.Count];
        var seed = _options.Seed;
        Parallel.For(
            0,
            parties.Count,
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelism ?? Environment.ProcessorCount, CancellationToken = cancellationToken },
            p =>
            {
                var party = parties[p];
                results[p] = (
                    party.EvaluateRatings(global),
                    party.EvaluateRanking(global, RankingProtocol.SampledNegatives, ranking.K, ranking.Negatives, seed),
                    ranking.FullCatalogue ? party.EvaluateRanking(global, RankingProtocol.FullCatalogue, ranking.K, ranking.Negatives, seed) : default);
            });

        RatingErrors ratings = default;
        RankingTotals sampled = default, full = default;
        foreach (var (r, s, f) in results)
        {
            ratings = ratings.Combine(r);
            sampled = sampled.Combine(s);
            full = full.Combine(f);
        }

        return new RecommenderScores(ratings, sampled, ranking.FullCatalogue ? full : null);
    }
}
