using Causeway.Core.Metrics;
using Causeway.Privacy.SecureAggregation;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>
/// The parties' evaluation score histograms summed under secure aggregation (Bonawitz et al. 2017, the protocol of
/// protected rounds), so that the coordinator learns the federation's histogram, hence its ROC AUC and F1, and never one
/// party's: one session among the parties that evaluated (advertise keys, share them, masked histograms, unmask).
/// </summary>
/// <remarks>
/// Counts are integers, so they enter the ring unscaled and their sum is exact: each party's count per bin is at most
/// ⌊(2^31 − 1) / P⌋ (<see cref="MaskedScoresRequest.MaxCount"/>), so P of them stay below half the ring. Parties that drop
/// out midway are covered down to the threshold, a strict majority of those asked; below it there is no sum, and the
/// federation's AUC and F1 stay unknown for the round. The session needs at least two parties: with one, its "sum"
/// would be that party's histogram.
/// </remarks>
internal static class SecureScoreSum
{
    /// <summary>The summed histogram of <paramref name="bins"/> bins, or null and why not.</summary>
    public static async Task<(ScoreHistogram? Sum, string? Problem)> RunAsync(
        IPartyChannel channel, RoundInfo round, IReadOnlyList<PartyId> parties, int bins, TimeSpan deadline, TimeProvider time, CancellationToken cancellationToken)
    {
        if (parties.Count < 2)
        {
            return (null, $"{parties.Count} party evaluated; a secure sum needs at least 2");
        }

        var maxCount = (long)Math.Floor((FixedPointQuantization.HalfRing - 1) / parties.Count);
        var quantization = new FixedPointQuantization(1, maxCount);
        var options = new SecureAggregationOptions(
            $"{round.RunId}/evaluation-{round.Round}", parties.Count, SecureAggregationOptions.MajorityThreshold(parties.Count), 2 * bins, quantization);
        if (options.Validate() is { Count: > 0 } errors)
        {
            return (null, string.Join(" ", errors));
        }

        var server = new SecureAggregationServer(options);
        var index = parties.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
        Task<(List<(PartyId Party, TReply Reply)> Replies, List<PartyFailure> Failures)> Step<TReply>(IEnumerable<PartyId> asked, Func<PartyId, ProtocolMessage> request)
            where TReply : ProtocolMessage =>
            ProtocolExchange.RunAsync<TReply>(channel, round, asked, request, deadline, time, cancellationToken);

        // Round 0: every party that evaluated advertises two fresh public keys.
        var (keys, _) = await Step<SecureAggregationKeys>(parties, p => new SecureAggregationAdvertise(
            options.Session, options.Parties, options.Threshold, options.Length, quantization.Scale, quantization.ClipBound, index[p])).ConfigureAwait(false);
        var advertised = keys.Where(k => k.Reply.Keys.Party == index[k.Party] && Accepts(() => server.Receive(k.Reply.Keys))).Select(k => k.Party).ToList();
        if (server.CloseAdvertising() is not { } directory)
        {
            return (null, $"round 0: {server.Error}");
        }

        // Round 1: each advertiser Shamir-shares its secrets, sealed per peer.
        var (bundles, _) = await Step<SecureAggregationShares>(advertised, _ => new SecureAggregationShareKeys(directory)).ConfigureAwait(false);
        var shared = bundles.Where(b => b.Reply.Bundle.Party == index[b.Party] && Accepts(() => server.Receive(b.Reply.Bundle))).Select(b => b.Party).ToList();
        if (server.CloseSharing() is not { } sharing)
        {
            return (null, $"round 1: {server.Error}");
        }

        // Round 2: each masks the histogram it kept from the evaluation.
        var deliveries = sharing.ToDictionary(d => d.To);
        var (masked, refused) = await Step<SecureAggregationMasked>(shared, p => new MaskedScoresRequest(deliveries[index[p]], bins, maxCount)).ConfigureAwait(false);
        foreach (var (party, reply) in masked)
        {
            if (reply.Input.Party == index[party] && reply.Input.Values.Length == 2 * bins)
            {
                Accepts(() => server.Receive(reply.Input));
            }
        }

        if (server.CloseInputCollection() is not { } unmasking)
        {
            return (null, string.Join("; ", [$"round 2: {server.Error}", .. refused.Select(f => $"{f.Party}: {f.Reason}")]));
        }

        // Round 3: the survivors reveal what removes the masks.
        var survivors = parties.Where(p => unmasking.Survivors.Contains(index[p]));
        var (unmasked, _) = await Step<SecureAggregationUnmasked>(survivors, _ => new SecureAggregationUnmask(unmasking)).ConfigureAwait(false);
        foreach (var (party, reply) in unmasked)
        {
            if (reply.Response.Party == index[party])
            {
                Accepts(() => server.Receive(reply.Response));
            }
        }

        SecureAggregationResult result;
        try
        {
            result = server.Finish();
        }
        catch (SecureAggregationException e)
        {
            return (null, $"round 3: {e.Message}");
        }

        if (result.Sum is not { } sum)
        {
            return (null, $"round 3: {result.Error}");
        }

        return (new ScoreHistogram([.. sum[..bins].Select(c => (long)c)], [.. sum[bins..].Select(c => (long)c)]), null);
    }

    // A message that breaks the protocol leaves its sender out of the session, like a dropout.
    private static bool Accepts(Action receive)
    {
        try
        {
            receive();
            return true;
        }
        catch (SecureAggregationException)
        {
            return false;
        }
    }
}
