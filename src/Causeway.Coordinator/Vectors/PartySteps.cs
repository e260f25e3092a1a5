using Causeway.Coordinator.Parties;
using Causeway.Federation;
using Causeway.Federation.Horizontal;

namespace Causeway.Coordinator.Vectors;

/// <summary>One protocol step of a vector job sent to one party, with a time limit.</summary>
internal static class PartySteps
{
    /// <summary>The connected parties, each once, in id order.</summary>
    public static List<PartyId> Connected(PartyRegistry parties) =>
        [.. parties.ActiveSessions().Select(s => s.Party).Distinct().OrderBy(p => p.Value, StringComparer.Ordinal)];

    /// <summary>The party's reply, or null when it did not answer within <paramref name="timeout"/>.</summary>
    public static async Task<ProtocolMessage?> AskAsync(
        IStepChannel channel, PartyId party, string job, ProtocolMessage request, TimeSpan timeout, CancellationToken cancellationToken) =>
        (await StepAsync(channel, party, new RoundInfo(job, 0, 0), request, timeout, cancellationToken).ConfigureAwait(false))?.Reply;

    /// <summary>
    /// The party's answer to a step of <paramref name="round"/> (a secure-aggregation session is keyed by it): its reply,
    /// or its failure and why; null when it did not answer within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<ProtocolStepReply?> StepAsync(
        IStepChannel channel, PartyId party, RoundInfo round, ProtocolMessage request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            return await channel.ExchangeAsync(party, new ProtocolStep(round, request), limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
