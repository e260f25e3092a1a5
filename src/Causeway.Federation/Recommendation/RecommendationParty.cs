using Causeway.Core.Metrics;
using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Recommendation.Data;
using Causeway.Federation.Recommendation.Metrics;
using Causeway.Federation.Recommendation.Models;

namespace Causeway.Federation.Recommendation;

/// <summary>
/// One party of a recommendation federation — a user (cross-device) or a shop holding many users (cross-silo). Its
/// ratings and its users' vectors stay here across rounds; a round's task brings the item model, and the answer is an
/// item update only.
/// </summary>
/// <remarks>
/// Every round runs the party's <see cref="RecommendationPlan"/> (fixed at setup) with the task's seed. The users'
/// vectors start from N(0, σ²) seeded by the run seed and each user's id. A party without training ratings answers
/// every task with a dropout. Not thread-safe: the round engine gives a party one task at a time.
/// </remarks>
public sealed class RecommendationParty
{
    private readonly RecommenderSpec _spec;
    private readonly LocalRecommender _local;
    private readonly TimeProvider _time;
    private readonly ItemUpdateLayouts _layouts;
    private readonly ParameterLayout _itemLayout;
    private readonly int[] _trainRows;
    private ParameterSet? _sliced;

    /// <param name="party">The party's id.</param>
    /// <param name="data">Its users' ratings.</param>
    /// <param name="spec">The run's model.</param>
    /// <param name="plan">The run's local plan.</param>
    /// <param name="seed">The run seed (the users' initial vectors derive from it).</param>
    /// <param name="timeProvider">Times local training; default the system clock.</param>
    public RecommendationParty(PartyId party, PartyRatings data, RecommenderSpec spec, RecommendationPlan plan, ulong seed, TimeProvider? timeProvider = null)
        : this(party, data, spec, plan, seed, new ItemUpdateLayouts(spec?.Factors ?? 0), timeProvider)
    {
    }

    internal RecommendationParty(PartyId party, PartyRatings data, RecommenderSpec spec, RecommendationPlan plan, ulong seed, ItemUpdateLayouts layouts, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(plan);
        spec.Validate();
        plan.Validate();
        if (data.ItemCount != spec.Items)
        {
            throw new ArgumentException($"Party '{party}' holds ratings over {data.ItemCount} items; the model has {spec.Items}.", nameof(data));
        }

        if (spec.Genres is not null && (plan.Update != ItemUpdate.Gradient || plan.Form == ItemUpdateForm.Counted))
        {
            throw new ArgumentException("The hybrid model learns its genre rows through the item gradient's chain rule: it needs gradient updates, sparse or dense.", nameof(plan));
        }

        Party = party;
        Plan = plan;
        _spec = spec;
        _time = timeProvider ?? TimeProvider.System;
        _layouts = layouts;

        // The kernels train plain items; the hybrid's composed item vectors stand in for them (HybridItems).
        var items = spec with { Genres = null };
        _itemLayout = items.Layout();
        _local = new LocalRecommender(data, items, UserState.Initialize(data, spec, seed), layouts);
        _trainRows = [.. data.SortedTrainItems.Distinct().Order()];
    }

    public PartyId Party { get; }

    public PartyRatings Data => _local.Data;

    public RecommendationPlan Plan { get; }

    /// <summary>The users' factors and biases, for tests that check they never leave the party.</summary>
    internal UserState Users => _local.Users;

    /// <summary>
    /// User <paramref name="userId"/>'s vector as trained here, with every item they rated (training and held out), for
    /// top-K lists at the party (<see cref="Inference.TopItems"/>); null when this party does not hold the user. A copy:
    /// later rounds do not change it.
    /// </summary>
    public Inference.UserVector? UserVectorOf(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var u = Array.IndexOf(Data.UserIds, userId);
        if (u < 0)
        {
            return null;
        }

        var seen = new SortedSet<int>(Data.SortedTrainItems.AsSpan(Data.TrainStart[u], Data.TrainStart[u + 1] - Data.TrainStart[u]).ToArray());
        seen.UnionWith(Data.TestItems.AsSpan(Data.TestStart[u], Data.TestStart[u + 1] - Data.TestStart[u]).ToArray());
        return new Inference.UserVector(Users.Bias[u], Users.FactorsOf(u).ToArray(), [.. seen]);
    }

    /// <summary>Answers a round's task with the item update, or a failure when the task does not fit this party.</summary>
    public PartyReply Train(TrainTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        cancellationToken.ThrowIfCancellationRequested();
        if (Data.TrainCount == 0)
        {
            return PartyReply.Failed(new PartyFailure(Party, FailureKind.Dropout, "the party holds no training ratings"));
        }

        var global = task.Global;
        if (ItemModel.DescribeSlice(global.Layout) is not null)
        {
            if (DescribeSliceMisfit(global) is { } sliceMisfit)
            {
                return PartyReply.Failed(new PartyFailure(Party, FailureKind.Dropout, sliceMisfit));
            }

            // Training reads and writes only the rows of the items this party rated, all of them in the slice; the other
            // rows of the kept copy are whatever an earlier task left there and are never read.
            _sliced ??= new ParameterSet(_itemLayout);
            ItemModel.Scatter(global, _sliced);
            global = _sliced;
        }
        else if (DescribeMisfit(global) is { } misfit)
        {
            return PartyReply.Failed(new PartyFailure(Party, FailureKind.Dropout, misfit));
        }

        if (task.Privacy is { } privacy && (privacy.Problem is not null || Plan.Form != ItemUpdateForm.Dense))
        {
            return PartyReply.Failed(new PartyFailure(
                Party, FailureKind.Dropout, privacy.Problem ?? "user-level DP clips the whole update: the plan must send the dense form (a sparse update's row indices are not values to clip)"));
        }

        var started = _time.GetTimestamp();
        var (update, loss) = _local.Train(Items(global), Plan, new Random(Seeds.ToInt32(task.Seed)));
        if (_spec.Genres is { } genres)
        {
            update = HybridItems.Expand(update, genres, _layouts);
        }

        // User-level DP with the noise at the parties: clip the whole update, add this party's share of the noise.
        bool? withinClip = task.Privacy is { } own ? PartyTrainer.Privatize(update.Values, own) : null;
        return PartyReply.Success(new PartyUpdate(Party, update, Data.TrainCount, loss, _time.GetElapsedTime(started).TotalSeconds, withinClip));
    }

    /// <summary>
    /// RMSE and MAE of the held-out ratings under <paramref name="task"/>'s items and this party's user vectors; null
    /// without held-out ratings or for a ranking model. Loss is half the mean squared error, as for regression.
    /// </summary>
    public Evaluation? Evaluate(EvaluateTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (Data.TestCount == 0 || _spec.Kind != RecommenderKind.MatrixFactorization || DescribeMisfit(task.Global) is not null)
        {
            return null;
        }

        var errors = EvaluateRatings(task.Global);
        return new Evaluation(Data.TestCount, 0.5 * errors.SquaredSum / errors.Count, Rmse: errors.Rmse, Mae: errors.Mae);
    }

    /// <summary>The error sums of the held-out ratings, or of a <paramref name="subset"/> of them (see <see cref="RatingErrors"/>).</summary>
    public RatingErrors EvaluateRatings(ParameterSet global, RatingSubset? subset = null)
    {
        RequireFits(global);
        return _local.EvaluateRatings(Items(global), subset);
    }

    /// <summary>The top-K sums of the held-out items (see <see cref="RankingTotals"/>).</summary>
    /// <param name="global">The item model.</param>
    /// <param name="protocol">Sampled negatives or the full catalogue.</param>
    /// <param name="k">The list length K.</param>
    /// <param name="negatives">Sampled negatives per held-out item (the protocol's 99).</param>
    /// <param name="seed">Seeds the negatives with each user's id.</param>
    public RankingTotals EvaluateRanking(ParameterSet global, RankingProtocol protocol, int k, int negatives, ulong seed)
    {
        RequireFits(global);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(negatives);
        return _local.EvaluateRanking(Items(global), protocol, k, negatives, seed);
    }

    private void RequireFits(ParameterSet global)
    {
        ArgumentNullException.ThrowIfNull(global);
        if (DescribeMisfit(global) is { } misfit)
        {
            throw new ArgumentException(misfit, nameof(global));
        }
    }

    // A slice serves only plain matrix factorisation (BPR samples negatives from the whole catalogue; the hybrid composes
    // every item from genre rows) and must hold every row this party trains on.
    private string? DescribeSliceMisfit(ParameterSet slice)
    {
        if (_spec.Kind != RecommenderKind.MatrixFactorization || _spec.Genres is not null || ItemModel.DescribeSlice(slice.Layout)?.Factors != _spec.Factors)
        {
            return $"the task carries a slice of the item model ({slice.Layout}), which only a plain matrix factorisation run of {_spec.Factors} factors can train on";
        }

        var rows = slice[ItemModel.Rows];
        var j = 0;
        foreach (var row in _trainRows)
        {
            while (j < rows.Length && rows[j] < row)
            {
                j++;
            }

            if (j == rows.Length || rows[j] != row)
            {
                return $"the task's slice of the item model lacks row {row}, an item this party rated";
            }
        }

        return null;
    }

    private string? DescribeMisfit(ParameterSet global)
    {
        return ItemModel.Describe(global.Layout) == (_spec.ItemRows, _spec.Factors)
            ? null
            : $"the task's model ({global.Layout}) is not this run's item model of {_spec.ItemRows} rows and {_spec.Factors} factors";
    }

    // The plain item model the kernels read: the global one, or the hybrid's composed item vectors.
    private ParameterSet Items(ParameterSet global) => _spec.Genres is { } genres ? HybridItems.Effective(global, genres, _itemLayout) : global;
}
