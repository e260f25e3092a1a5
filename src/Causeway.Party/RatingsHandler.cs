using Causeway.Core.Metrics;
using Causeway.Core.Tensors;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Recommendation;
using Causeway.Federation.Recommendation.Data;
using Causeway.Federation.Recommendation.Inference;
using Causeway.Federation.Recommendation.Network;
using Causeway.Federation.Recommendation.Popularity;

namespace Causeway.Party;

/// <summary>
/// A ratings party of recommendation runs: one user (cross-device) or a shop's many users (cross-silo). It answers a
/// round's task with an item update only; its users' vectors stay in this object, kept from round to round of a run
/// (a <see cref="RecommendationParty"/> per run, made at the run's first task from the run's setup).
/// </summary>
/// <remarks>
/// The coordinator learns <see cref="Data"/> (catalogue digest, user and rating counts, rating sum and range) and the
/// item updates (docs/recommendation.md, "Who sees what"). A task whose setup names another catalogue is answered with a
/// dropout that says why. Horizontal tasks are answered with a dropout: this party holds no table.
/// </remarks>
public sealed class RatingsHandler : ITaskHandler
{
    private readonly PartyId _party;
    private readonly PartyRatings _ratings;
    private readonly Lock _lock = new();
    private readonly IReadOnlyList<string> _itemIds;
    private readonly Dictionary<string, int> _rowOf;
    private readonly Dictionary<string, UserVector> _folded = new(StringComparer.Ordinal);
    private (string RunId, RecommendationSetup Setup, RecommendationParty Party)? _current;
    private ParameterSet? _latest;

    /// <param name="party">This party's id.</param>
    /// <param name="ratings">Its users' training and held-out ratings, over the federation's catalogue.</param>
    /// <param name="itemIds">The catalogue: item ids in row order (its digest is <see cref="RatingsDescription.Catalogue"/>).</param>
    public RatingsHandler(PartyId party, PartyRatings ratings, IReadOnlyList<string> itemIds)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        ArgumentNullException.ThrowIfNull(itemIds);
        _party = party;
        _ratings = ratings;
        _itemIds = itemIds;
        _rowOf = itemIds.Select((id, row) => (id, row)).ToDictionary(p => p.id, p => p.row, StringComparer.Ordinal);
        Ratings = RatingsDescription.Of(ratings, RatingsDescription.DigestOf(itemIds));
        Data = DataDescription.OfRatings(Ratings);
    }

    public DataDescription Data { get; }

    DataDescription? ITaskHandler.Data => Data;

    /// <summary>What the party tells the coordinator about its ratings.</summary>
    public RatingsDescription Ratings { get; }

    /// <summary>The recommendation party of the run in progress (its users' vectors), or null before a run's first task.</summary>
    public RecommendationParty? Current
    {
        get
        {
            lock (_lock)
            {
                return _current?.Party;
            }
        }
    }

    public Task<PartyReply> TrainAsync(TrainTask task, RunSetup? setup, CancellationToken cancellationToken) =>
        Task.FromResult(PartyReply.Failed(new PartyFailure(_party, FailureKind.Dropout, "this party serves ratings for recommendation runs, not a table")));

    public Task<Evaluation?> EvaluateAsync(EvaluateTask task, RunSetup? setup, CancellationToken cancellationToken) => Task.FromResult<Evaluation?>(null);

    /// <summary>The latest item model a task brought (after a run, its final model: the last round ends with an evaluation task); null before any.</summary>
    public ParameterSet? LatestModel
    {
        get
        {
            lock (_lock)
            {
                return _latest;
            }
        }
    }

    /// <summary>
    /// The top-<paramref name="k"/> items for a user this party holds or folded in, excluding every item they rated,
    /// scored with the latest item model and the user's vector here; the answer's problem says why there is no list.
    /// </summary>
    public RecommendationAnswer Recommend(string userId, int k)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        UserVector? user;
        ParameterSet? model;
        lock (_lock)
        {
            model = _latest;
            user = _folded.GetValueOrDefault(userId) ?? _current?.Party.UserVectorOf(userId);
        }

        if (model is null)
        {
            return RecommendationAnswer.Failed(RecommendationProblem.NoModel, "this party has no item model yet: it gets one with the first round of a recommendation run");
        }

        if (user is null)
        {
            return RecommendationAnswer.Failed(RecommendationProblem.UnknownUser, $"user '{userId}' is not held here; fold them in with a few ratings first");
        }

        return RecommendationAnswer.Of([.. TopItems.For(model, user, k).Select(s => new RecommendedItem(_itemIds[s.Item], s.Score))]);
    }

    /// <summary>
    /// Folds a new user in from a few ratings without waiting for a round: their vector is fitted against the latest
    /// item model here (<see cref="UserFit"/>) and kept in this process; it never leaves it.
    /// </summary>
    /// <returns>Null when folded in, or why not (no model yet, an unknown item, a ranking model).</returns>
    public string? FoldIn(string userId, IReadOnlyList<(string Item, float Rating)> ratings)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(ratings);
        ParameterSet? model;
        RecommendationSetup? setup;
        lock (_lock)
        {
            (model, setup) = (_latest, _current?.Setup);
        }

        if (model is null || setup is null)
        {
            return "this party has no item model yet: it gets one with the first round of a recommendation run";
        }

        if (setup.Spec.Kind != RecommenderKind.MatrixFactorization)
        {
            return "fold-in fits rating predictions: it needs a matrix factorisation run, not BPR";
        }

        var rows = new int[ratings.Count];
        var values = new float[ratings.Count];
        for (var j = 0; j < ratings.Count; j++)
        {
            if (!_rowOf.TryGetValue(ratings[j].Item, out rows[j]))
            {
                return $"item '{ratings[j].Item}' is not in the catalogue";
            }

            if (!float.IsFinite(ratings[j].Rating))
            {
                return $"the rating of item '{ratings[j].Item}' is not a finite number";
            }

            values[j] = ratings[j].Rating;
        }

        UserVector folded;
        try
        {
            folded = UserFit.Fit(model, rows, values, setup.Plan.Regularization);
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }

        lock (_lock)
        {
            _folded[userId] = folded;
        }

        return null;
    }

    /// <summary>A folded-in user's predicted rating of an item (for checking a fold-in); null for an unknown user or item, or no model.</summary>
    public float? PredictFolded(string userId, string itemId)
    {
        lock (_lock)
        {
            return _latest is { } model && _folded.TryGetValue(userId, out var user) && _rowOf.TryGetValue(itemId, out var row)
                ? UserFit.Predict(model, user, row)
                : null;
        }
    }

    /// <summary>
    /// This party's item counts with Gaussian noise (<see cref="PopularItems.Answer"/>): each of its users counts at most
    /// the request's L items; no exact count leaves the party.
    /// </summary>
    public ProtocolStepReply AnswerPopularItems(PopularItemsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Items == Ratings.Items && string.Equals(request.Catalogue, Ratings.Catalogue, StringComparison.Ordinal)
            ? ProtocolStepReply.Success(PopularItems.Answer(_ratings, request))
            : ProtocolStepReply.Failed($"the request counts another catalogue ({request.Items} items) than this party's ({Ratings.Items} items)");
    }

    /// <summary>The catalogue: item ids in row order.</summary>
    public IReadOnlyList<string> ItemIds => _itemIds;

    /// <summary>
    /// Per item row, this party's users who rated it in training, each user counting at most
    /// <paramref name="maxItemsPerUser"/> items (<see cref="PopularItems.ClippedCounts"/>): exact counts, for a release that
    /// adds its noise before anything leaves the party.
    /// </summary>
    public double[] ClippedItemCounts(int maxItemsPerUser, Privacy.Mechanisms.NoiseSource randomness) =>
        PopularItems.ClippedCounts(_ratings, maxItemsPerUser, randomness);

    public Task<PartyReply> TrainRecommenderAsync(TrainTask task, RecommendationSetup setup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var (party, problem) = PartyFor(task.Round.RunId, setup);
        Keep(party, task.Global);
        return party is null
            ? Task.FromResult(PartyReply.Failed(new PartyFailure(_party, FailureKind.Dropout, problem!)))
            : Task.Run(() => party.Train(task, cancellationToken), cancellationToken);
    }

    public Task<Evaluation?> EvaluateRecommenderAsync(EvaluateTask task, RecommendationSetup setup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var (party, _) = PartyFor(task.Round.RunId, setup);
        Keep(party, task.Global);
        return party is null ? Task.FromResult<Evaluation?>(null) : Task.Run(() => party.Evaluate(task), cancellationToken);
    }

    // The item model of the run this party takes part in, kept for top-K lists between and after rounds: only a dense one
    // (a train task may carry just the rows this party trains on; the run's last evaluation brings the final model whole).
    private void Keep(RecommendationParty? party, ParameterSet global)
    {
        if (party is not null && ItemModel.Describe(global.Layout) is not null)
        {
            lock (_lock)
            {
                _latest = global;
            }
        }
    }

    // The users' vectors start when a run's first task arrives and live as long as the run.
    private (RecommendationParty? Party, string? Problem) PartyFor(string runId, RecommendationSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        lock (_lock)
        {
            if (_current is { } current && current.RunId == runId && current.Setup == setup)
            {
                return (current.Party, null);
            }

            if (setup.DescribeMisfit(Ratings) is { } misfit)
            {
                return (null, $"the run does not fit this party: {misfit}");
            }

            var party = new RecommendationParty(_party, _ratings, setup.Spec, setup.Plan, setup.Seed);
            _current = (runId, setup, party);
            return (party, null);
        }
    }
}
