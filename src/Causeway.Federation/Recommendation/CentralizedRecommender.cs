using Causeway.Core.Tensors;
using Causeway.Federation.Recommendation.Data;
using Causeway.Federation.Recommendation.Metrics;
using Causeway.Federation.Recommendation.Models;

namespace Causeway.Federation.Recommendation;

/// <summary>
/// The reference every federated figure is compared with: the same model trained on every training rating in one
/// place, with the same plan and seeds — Surprise's SVD for matrix factorisation (Hug 2020, "Surprise: A Python
/// library for recommender systems", JOSS 5(52)): SGD with γ = 0.005, λ = 0.02, 20 epochs, factors from N(0, 0.1²).
/// </summary>
/// <remarks>
/// Training runs the parties' own code (<c>LocalRecommender</c>) on one block that holds every user, one epoch per
/// pass, visiting the ratings in a fresh random order each epoch (Surprise visits them user by user in the order
/// the split left them). Users start from the vectors they start from in a federation with the same seed.
/// </remarks>
public sealed class CentralizedRecommender
{
    /// <summary>Seed purpose of the training order.</summary>
    private const ulong TrainingPurpose = 0xCE47_2A1EUL;

    private readonly LocalRecommender _local;

    private CentralizedRecommender(LocalRecommender local, ParameterSet items, double trainLoss)
    {
        _local = local;
        Items = items;
        TrainLoss = trainLoss;
    }

    /// <summary>The trained item model.</summary>
    public ParameterSet Items { get; }

    /// <summary>The mean loss of the last epoch (half squared error, or BPR's −ln σ).</summary>
    public double TrainLoss { get; }

    /// <summary>Trains <paramref name="spec"/> on every training rating of <paramref name="data"/>.</summary>
    /// <param name="data">One block holding every user (<see cref="PartyRatings.All"/>).</param>
    /// <param name="spec">The model.</param>
    /// <param name="plan">The plan; <see cref="RecommendationPlan.Epochs"/> epochs after <see cref="RecommendationPlan.UserEpochs"/> user-only passes.</param>
    /// <param name="seed">The run seed: the initial model, the users' initial vectors and the training order derive from it.</param>
    /// <param name="progress">Hears the number of finished epochs; null for none.</param>
    /// <param name="cancellationToken">Stops training between epochs.</param>
    public static CentralizedRecommender Train(PartyRatings data, RecommenderSpec spec, RecommendationPlan plan, ulong seed, IProgress<int>? progress, CancellationToken cancellationToken) =>
        Train(data, spec, plan, seed, Seeds.ToInt32(Seeds.Mix(seed ^ TrainingPurpose)), progress, cancellationToken);

    /// <summary>As the public overload, with the training order's seed given (a test matches it to a party's round seed).</summary>
    internal static CentralizedRecommender Train(
        PartyRatings data, RecommenderSpec spec, RecommendationPlan plan, ulong seed, int trainingSeed, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(plan);
        spec.Validate();
        plan.Validate();
        if (data.ItemCount != spec.Items)
        {
            throw new ArgumentException($"The ratings are over {data.ItemCount} items; the model has {spec.Items}.", nameof(data));
        }

        var items = spec.Initialize(seed);
        var local = new LocalRecommender(data, spec, UserState.Initialize(data, spec, seed), new ItemUpdateLayouts(spec.Factors));
        var random = new Random(trainingSeed);
        double loss = double.NaN;
        if (data.TrainCount > 0)
        {
            // Epoch by epoch (cancellable, with progress) is the same computation as all epochs in one plan: gathering
            // and writing back rows copies them exactly, and the random draws come in the same order.
            for (var epoch = 0; epoch < plan.Epochs; epoch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                loss = local.TrainInPlace(items, plan with { Epochs = 1, UserEpochs = epoch == 0 ? plan.UserEpochs : 0 }, random);
                progress?.Report(epoch + 1);
            }
        }

        return new CentralizedRecommender(local, items, loss);
    }

    /// <summary>Scores the trained model on the held-out ratings.</summary>
    /// <param name="ranking">How items are ranked.</param>
    /// <param name="seed">Seeds the sampled negatives (use the run seed, so the federated model is scored against the same items).</param>
    public RecommenderScores Evaluate(RankingOptions ranking, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        return new RecommenderScores(
            _local.EvaluateRatings(Items),
            _local.EvaluateRanking(Items, RankingProtocol.SampledNegatives, ranking.K, ranking.Negatives, seed),
            ranking.FullCatalogue ? _local.EvaluateRanking(Items, RankingProtocol.FullCatalogue, ranking.K, ranking.Negatives, seed) : null);
    }
}
