using Causeway.Coordinator.Parties;
using Causeway.Federation;
using Causeway.Federation.Vectors;

namespace Causeway.Coordinator.Vectors;

/// <summary>One party's answer to "which collections do you hold?".</summary>
/// <param name="Party">The party.</param>
/// <param name="Status">"answered", "no store" (it serves no vector store), "refused", or "timed out".</param>
/// <param name="Collections">Its collections' names, shapes and sizes (empty unless answered).</param>
/// <param name="Reason">Why it did not answer, for people; null when it did.</param>
public sealed record PartyCollections(string Party, string Status, IReadOnlyList<CollectionSummary> Collections, string? Reason);

/// <summary>
/// The federation's vector collections as the parties describe them (<c>GET /api/vectors/collections</c>, the dashboard's
/// panel): one protocol step per connected party, each asked at once, each given <see cref="Timeout"/>. A party answers
/// with names, dimensions, metrics, index kinds and record counts, never a vector or a payload; the coordinator keeps none.
/// </summary>
internal sealed class CollectionDirectory(IStepChannel channel, PartyRegistry parties)
{
    /// <summary>How long each party has to answer: 5 s.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<IReadOnlyList<PartyCollections>> ListAsync(CancellationToken cancellationToken)
    {
        var job = $"collections-{Guid.NewGuid():N}";
        var asked = PartySteps.Connected(parties).Select(async party =>
        {
            var reply = await PartySteps.StepAsync(channel, party, new RoundInfo(job, 0, 0), new CollectionsRequest(), Timeout, cancellationToken).ConfigureAwait(false);
            return reply switch
            {
                null => new PartyCollections(party.Value, "timed out", [], $"no answer within {Timeout.TotalSeconds:0} s"),
                { Reply: CollectionsReply { Refusal: null } answer } => new PartyCollections(party.Value, "answered", answer.Collections, null),
                { Reply: CollectionsReply { Refusal: { } why } } => new PartyCollections(party.Value, "refused", [], why),
                _ => new PartyCollections(party.Value, "no store", [], reply.Failure ?? "the party serves no vector store"),
            };
        });
        return await Task.WhenAll(asked).ConfigureAwait(false);
    }
}
