namespace Causeway.Federation.Vertical.Network;

/// <summary>
/// Runs a vertical job's steps on <see cref="VerticalParty"/> objects in this process, on worker threads (each party
/// still takes one step at a time): the simulation of what the coordinator's mailbox does over the network.
/// </summary>
public sealed class VerticalLocalChannel : IStepChannel
{
    private readonly IReadOnlyDictionary<PartyId, VerticalParty> _parties;

    public VerticalLocalChannel(IReadOnlyDictionary<PartyId, VerticalParty> parties)
    {
        ArgumentNullException.ThrowIfNull(parties);
        _parties = parties;
    }

    /// <summary>Called with each step and its reply: what the party received and sent.</summary>
    public Action<PartyId, ProtocolStep, ProtocolStepReply>? Exchanged { get; init; }

    public async Task<ProtocolStepReply> ExchangeAsync(PartyId party, ProtocolStep step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (!_parties.TryGetValue(party, out var target))
        {
            return ProtocolStepReply.Failed("no such party in this simulation");
        }

        var reply = await Task.Run(() => target.Handle(step), cancellationToken).ConfigureAwait(false);
        Exchanged?.Invoke(party, step, reply);
        return reply;
    }
}
