namespace Causeway.Federation;

/// <summary>
/// Carries protocol steps from the coordinator to a party and back: what a vertical job needs of the network. The
/// coordinator's mailbox implements it (with <see cref="Horizontal.IPartyChannel"/>); simulations call the party's code
/// in-process (<see cref="Vertical.Network.VerticalLocalChannel"/>).
/// </summary>
public interface IStepChannel
{
    /// <summary>Sends <paramref name="step"/> to <paramref name="party"/> and returns its answer or failure; cancellation withdraws the step.</summary>
    Task<ProtocolStepReply> ExchangeAsync(PartyId party, ProtocolStep step, CancellationToken cancellationToken);
}
