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

        var (sum, problem) = await SecureSum.RunAsync(options, parties, (_, delivery) => new MaskedScoresRequest(delivery, bins, maxCount), AskAsync).ConfigureAwait(false);
        return sum is null ? (null, problem) : (new ScoreHistogram([.. sum[..bins].Select(c => (long)c)], [.. sum[bins..].Select(c => (long)c)]), null);

        async Task<IReadOnlyList<(PartyId, ProtocolMessage?, string?)>> AskAsync(IEnumerable<PartyId> asked, Func<PartyId, ProtocolMessage> request)
        {
            var (replies, failures) = await ProtocolExchange.RunAsync<ProtocolMessage>(channel, round, asked, request, deadline, time, cancellationToken).ConfigureAwait(false);
            return [.. replies.Select(r => (r.Party, (ProtocolMessage?)r.Reply, (string?)null)), .. failures.Select(f => (f.Party, (ProtocolMessage?)null, (string?)f.Reason))];
        }
    }
}
