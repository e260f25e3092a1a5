using Causeway.Core.Metrics;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Recommendation;
using Causeway.Federation.Recommendation.Data;
using Causeway.Federation.Recommendation.Network;

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
    private (string RunId, RecommendationSetup Setup, RecommendationParty Party)? _current;

    /// <param name="party">This party's id.</param>
    /// <param name="ratings">Its users' training and held-out ratings, over the federation's catalogue.</param>
    /// <param name="catalogue">The catalogue's digest (<see cref="RatingsDescription.DigestOf"/>).</param>
    public RatingsHandler(PartyId party, PartyRatings ratings, string catalogue)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        ArgumentNullException.ThrowIfNull(catalogue);
        _party = party;
        _ratings = ratings;
        Ratings = RatingsDescription.Of(ratings, catalogue);
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

    public Task<PartyReply> TrainRecommenderAsync(TrainTask task, RecommendationSetup setup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var (party, problem) = PartyFor(task.Round.RunId, setup);
        return party is null
            ? Task.FromResult(PartyReply.Failed(new PartyFailure(_party, FailureKind.Dropout, problem!)))
            : Task.Run(() => party.Train(task, cancellationToken), cancellationToken);
    }

    public Task<Evaluation?> EvaluateRecommenderAsync(EvaluateTask task, RecommendationSetup setup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var (party, _) = PartyFor(task.Round.RunId, setup);
        return party is null ? Task.FromResult<Evaluation?>(null) : Task.Run(() => party.Evaluate(task), cancellationToken);
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
