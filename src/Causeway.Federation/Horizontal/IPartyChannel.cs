using Causeway.Core.Metrics;

namespace Causeway.Federation.Horizontal;

/// <summary>
/// How the round engine reaches a party. Over the network the coordinator implements it with a task
/// mailbox that parties long-poll; the simulator implements it by calling the party's code in-process.
/// The strategy and round code are the same in both.
/// </summary>
public interface IPartyChannel
{
    /// <summary>
    /// Sends <paramref name="task"/> to <paramref name="party"/> and returns its update, or a failure
    /// (dropout, rejection). Cancellation of <paramref name="cancellationToken"/> means the round's deadline
    /// passed; the engine records the party as a straggler.
    /// </summary>
    Task<PartyReply> TrainAsync(PartyId party, TrainTask task, CancellationToken cancellationToken);

    /// <summary>
    /// Asks <paramref name="party"/> to evaluate <paramref name="task"/>'s parameters on its held-out data.
    /// Returns null when the party holds no evaluation data or does not answer in time.
    /// </summary>
    Task<Evaluation?> EvaluateAsync(PartyId party, EvaluateTask task, CancellationToken cancellationToken);
}

/// <summary>Exactly one of <see cref="Update"/> and <see cref="Failure"/> is set.</summary>
public sealed record PartyReply
{
    private PartyReply(PartyUpdate? update, PartyFailure? failure)
    {
        Update = update;
        Failure = failure;
    }

    public PartyUpdate? Update { get; }

    public PartyFailure? Failure { get; }

    public static PartyReply Success(PartyUpdate update) => new(update ?? throw new ArgumentNullException(nameof(update)), null);

    public static PartyReply Failed(PartyFailure failure) => new(null, failure ?? throw new ArgumentNullException(nameof(failure)));
}
