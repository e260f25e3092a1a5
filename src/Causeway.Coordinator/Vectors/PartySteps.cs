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
        IStepChannel channel, PartyId party, string job, ProtocolMessage request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            return (await channel.ExchangeAsync(party, new ProtocolStep(new RoundInfo(job, 0, 0), request), limit.Token).ConfigureAwait(false)).Reply;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
