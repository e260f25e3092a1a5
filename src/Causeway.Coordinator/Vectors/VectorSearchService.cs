using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Coordinator.Mailbox;
using Causeway.Coordinator.Parties;
using Causeway.Coordinator.Refusals;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Vectors;

namespace Causeway.Coordinator.Vectors;

/// <summary>
/// A federated vector query: fans the query out to every connected party as a protocol step, waits for their answers up
/// to the deadline, and merges the global top-k. Parties that do not hold the collection, refuse (their policy, their
/// rate limit) or miss the deadline are named in the result, which is then partial.
/// </summary>
/// <remarks>
/// <para>
/// <b>Merging.</b> Hits with distances are merged by distance (ties by party, then id). A party whose policy keeps
/// distances in contributes its hits in its own order after every hit with a distance, interleaved by rank across such
/// parties: without a common scale they cannot be ordered against the others.
/// </para>
/// <para>
/// <b>Who sees what.</b> The coordinator sees the query vector and every party's answer (ids, the distances and payload
/// fields each party's policy releases); it keeps none of them. The querier sees the merged top-k and which party each
/// hit came from. Parties see the query and its querier, never each other's answers.
/// </para>
/// </remarks>
internal sealed class VectorSearchService(IStepChannel channel, PartyRegistry parties, TimeProvider time)
{
    /// <summary>The longest deadline a query may ask for: 60 s.</summary>
    public static readonly TimeSpan MaxDeadline = TimeSpan.FromSeconds(60);

    private long _queries;

    /// <exception cref="InvalidRequestException">The request is malformed (the message names the field).</exception>
    /// <exception cref="ConflictException">No party is connected.</exception>
    public async Task<FederatedSearchResult> SearchAsync(FederatedSearchRequest request, string querier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var seconds = request.DeadlineSeconds ?? 5;
        var query = new VectorQuery(request.Collection ?? string.Empty, request.Vector ?? [], request.K, request.Ef, request.Nprobe, request.Filter?.ToJsonString(), querier);
        var problem = query.DescribeProblem()
            ?? (!(seconds > 0 && seconds <= MaxDeadline.TotalSeconds) ? $"deadlineSeconds must be in (0, {MaxDeadline.TotalSeconds}], got {seconds}" : null);
        if (problem is not null)
        {
            throw new InvalidRequestException(problem);
        }

        var deadline = TimeSpan.FromSeconds(seconds);

        var asked = PartySteps.Connected(parties);
        if (asked.Count == 0)
        {
            throw new ConflictException("no party is connected; start the parties with `causeway party --vectors DIR` first");
        }

        var started = time.GetTimestamp();
        var round = new RoundInfo(string.Create(CultureInfo.InvariantCulture, $"vector-query-{Interlocked.Increment(ref _queries)}"), 0, 0);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        var answers = await Task.WhenAll(asked.Select(party => AskAsync(party, new ProtocolStep(round, query), timeout.Token))).ConfigureAwait(false);

        var statuses = asked.Zip(answers, (party, answer) => answer switch
        {
            { Answer: { Refusal: null } a } => new PartyAnswer(party.Value, "answered", a.Hits.Count, null),
            { Answer: { } a } => new PartyAnswer(party.Value, "refused", 0, a.Refusal),
            { Failure: { } failure } => new PartyAnswer(party.Value, "failed", 0, failure),
            _ => new PartyAnswer(party.Value, "timed out", 0, $"no answer within {deadline.TotalSeconds:G4} s"),
        }).ToList();
        var hits = Merge([.. asked.Zip(answers, (party, answer) => (party, answer.Answer?.Refusal is null ? answer.Answer?.Hits ?? [] : []))], query.K);
        return new FederatedSearchResult(
            query.Collection, query.K, hits, statuses, Partial: statuses.Any(s => s.Status is "failed" or "timed out"), time.GetElapsedTime(started).TotalMilliseconds);
    }

    private async Task<(VectorAnswer? Answer, string? Failure)> AskAsync(PartyId party, ProtocolStep step, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await channel.ExchangeAsync(party, step, cancellationToken).ConfigureAwait(false);
            return reply.Reply is VectorAnswer answer ? (answer, null) : (null, reply.Failure ?? "the party answered with something other than a vector answer");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (null, null);
        }
    }

    private static IReadOnlyList<FederatedHit> Merge(IReadOnlyList<(PartyId Party, IReadOnlyList<VectorHit> Hits)> answers, int k)
    {
        var ranked = answers
            .SelectMany(a => a.Hits.Where(h => h.Distance is not null).Select(h => (a.Party, Hit: h)))
            .OrderBy(p => p.Hit.Distance!.Value).ThenBy(p => p.Party.Value, StringComparer.Ordinal).ThenBy(p => p.Hit.Id, StringComparer.Ordinal);
        var unranked = answers
            .SelectMany(a => a.Hits.Where(h => h.Distance is null).Select((h, rank) => (a.Party, Hit: h, Rank: rank)))
            .OrderBy(p => p.Rank).ThenBy(p => p.Party.Value, StringComparer.Ordinal)
            .Select(p => (p.Party, p.Hit));
        return [.. ranked.Concat(unranked).Take(k).Select(p => new FederatedHit(
            p.Party.Value, p.Hit.Id, p.Hit.Distance, p.Hit.PayloadJson is null ? null : JsonNode.Parse(p.Hit.PayloadJson) as JsonObject))];
    }
}

/// <summary>A federated search request: <c>{"collection", "vector", "k", "ef", "nprobe", "filter", "deadlineSeconds"}</c>.</summary>
public sealed record FederatedSearchRequest(string? Collection, float[]? Vector, int K = 10, int? Ef = null, int? Nprobe = null, JsonObject? Filter = null, double? DeadlineSeconds = null);
