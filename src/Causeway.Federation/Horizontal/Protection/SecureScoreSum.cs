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
    /// <param name="channel">How steps reach the parties.</param>
    /// <param name="round">The evaluated round.</param>
    /// <param name="parties">The parties that evaluated, in session order.</param>
    /// <param name="bins">Bins per class of the histograms.</param>
    /// <param name="deadline">How long each step may wait for replies.</param>
    /// <param name="time">The clock for the deadlines.</param>
    /// <param name="protection">The run's secure aggregation, whose variant, stated rates and authentication the sum follows; null for plain SecAgg with a majority threshold.</param>
    /// <param name="certificates">The parties' client certificates (authenticated sessions).</param>
    /// <param name="cancellationToken">Stops the sum.</param>
    public static async Task<(ScoreHistogram? Sum, string? Problem)> RunAsync(
        IPartyChannel channel, RoundInfo round, IReadOnlyList<PartyId> parties, int bins, TimeSpan deadline, TimeProvider time,
        SecureAggregationProtection? protection, Func<PartyId, byte[]?>? certificates, CancellationToken cancellationToken)
    {
        if (parties.Count < 2)
        {
            return (null, $"{parties.Count} party evaluated; a secure sum needs at least 2");
        }

        var maxCount = (long)Math.Floor((FixedPointQuantization.HalfRing - 1) / parties.Count);
        var quantization = new FixedPointQuantization(1, maxCount);
        // Counts enter the ring unscaled; the session otherwise follows the run's protection (without its training threshold).
        var sessionProtection = (protection ?? new SecureAggregationProtection(null, quantization)) with { Threshold = null, Quantization = quantization };
        var (options, _, invalid) = sessionProtection.OptionsFor($"{round.RunId}/evaluation-{round.Round}", parties.Count, 2 * bins);
        if (options is null)
        {
            return (null, invalid);
        }

        var (sum, problem) = await SecureSum.RunAsync(options, parties, (_, delivery) => new MaskedScoresRequest(delivery, bins, maxCount), AskAsync, certificates).ConfigureAwait(false);
        return sum is null ? (null, problem) : (new ScoreHistogram([.. sum[..bins].Select(c => (long)c)], [.. sum[bins..].Select(c => (long)c)]), null);

        async Task<IReadOnlyList<(PartyId, ProtocolMessage?, string?)>> AskAsync(IEnumerable<PartyId> asked, Func<PartyId, ProtocolMessage> request)
        {
            var (replies, failures) = await ProtocolExchange.RunAsync<ProtocolMessage>(channel, round, asked, request, deadline, time, cancellationToken).ConfigureAwait(false);
            return [.. replies.Select(r => (r.Party, (ProtocolMessage?)r.Reply, (string?)null)), .. failures.Select(f => (f.Party, (ProtocolMessage?)null, (string?)f.Reason))];
        }
    }
}
