using Causeway.Core.Metrics;
using Causeway.Federation.Horizontal.Protection;

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

    /// <summary>
    /// Sends one protocol step of a protected round (secure aggregation key phases and unmasking, Paillier key and
    /// decryption requests) to <paramref name="party"/> and returns its answer. Cancellation means the phase's
    /// deadline passed. Default: the channel cannot carry protocol steps, so every step fails.
    /// </summary>
    Task<ProtocolStepReply> ExchangeAsync(PartyId party, ProtocolStep step, CancellationToken cancellationToken) =>
        Task.FromResult(ProtocolStepReply.Failed("this channel does not carry protocol steps"));

    /// <summary>
    /// Tells <paramref name="party"/> the federation's metrics after an evaluation round beside its own, best effort.
    /// Default: sends the report as a protocol step and waits for the acknowledgement. A channel may instead hold it for
    /// the party's next task of the run, as long as the run's last report still reaches the party.
    /// </summary>
    Task ReportAsync(PartyId party, RoundInfo round, EvaluationReport report, CancellationToken cancellationToken) =>
        ExchangeAsync(party, new ProtocolStep(round, report), cancellationToken);
}

/// <summary>Exactly one of <see cref="Update"/>, <see cref="Protected"/> and <see cref="Failure"/> is set.</summary>
public sealed record PartyReply
{
    private PartyReply(PartyUpdate? update, PartyFailure? failure, ProtectedUpdate? protectedUpdate = null)
    {
        Update = update;
        Failure = failure;
        Protected = protectedUpdate;
    }

    public PartyUpdate? Update { get; }

    /// <summary>The masked or encrypted update of a protected round (<see cref="TrainTask.Protection"/>).</summary>
    public ProtectedUpdate? Protected { get; }

    public PartyFailure? Failure { get; }

    public static PartyReply Success(PartyUpdate update) => new(update ?? throw new ArgumentNullException(nameof(update)), null);

    public static PartyReply Success(ProtectedUpdate update) => new(null, null, update ?? throw new ArgumentNullException(nameof(update)));

    public static PartyReply Failed(PartyFailure failure) => new(null, failure ?? throw new ArgumentNullException(nameof(failure)));
}
