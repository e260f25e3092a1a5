using Causeway.Core.Metrics;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Recommendation.Network;

namespace Causeway.Party;

/// <summary>The party's local work: what <see cref="PartyHost"/> calls for each task it pulls.</summary>
/// <remarks>The host owns the network; the handler owns the data (see <see cref="LocalDataHandler"/>).</remarks>
public interface ITaskHandler
{
    /// <summary>What the party tells the coordinator about its training data when it joins (never rows), or null.</summary>
    DataDescription? Data { get; }

    /// <summary>Trains from <paramref name="task"/>'s global parameters; returns the delta (local − global) or a failure.</summary>
    /// <param name="task">The round's task.</param>
    /// <param name="setup">The run's setup (model, schema, merged statistics), or null when the run has none.</param>
    /// <param name="cancellationToken">Cancelled when the party shuts down.</param>
    Task<PartyReply> TrainAsync(TrainTask task, RunSetup? setup, CancellationToken cancellationToken);

    /// <summary>Scores <paramref name="task"/>'s parameters on local held-out data; null when there is none.</summary>
    Task<Evaluation?> EvaluateAsync(EvaluateTask task, RunSetup? setup, CancellationToken cancellationToken);

    /// <summary>
    /// Trains a recommendation run's round: answers with an item update. By default a dropout: only a party that serves
    /// ratings (<see cref="RatingsHandler"/>) takes part.
    /// </summary>
    /// <param name="task">The round's task; its global parameters are the item model.</param>
    /// <param name="setup">The run's recommendation setup.</param>
    /// <param name="cancellationToken">Cancelled when the party shuts down.</param>
    Task<PartyReply> TrainRecommenderAsync(TrainTask task, RecommendationSetup setup, CancellationToken cancellationToken) =>
        Task.FromResult(PartyReply.Failed(new PartyFailure(new PartyId("unknown"), FailureKind.Dropout, "this party serves no ratings (start it with --ratings FILE)")));

    /// <summary>
    /// Answers a popular-items request with the party's noisy item counts (<see cref="Federation.Recommendation.Popularity.PopularItems"/>);
    /// by default a failure: only a party that serves ratings counts items.
    /// </summary>
    ProtocolStepReply AnswerPopularItems(Federation.Recommendation.Popularity.PopularItemsRequest request) =>
        ProtocolStepReply.Failed("this party serves no ratings (start it with --ratings FILE)");

    /// <summary>Scores a recommendation run's item model on local held-out ratings; null by default (no ratings).</summary>
    Task<Evaluation?> EvaluateRecommenderAsync(EvaluateTask task, RecommendationSetup setup, CancellationToken cancellationToken) =>
        Task.FromResult<Evaluation?>(null);
}
