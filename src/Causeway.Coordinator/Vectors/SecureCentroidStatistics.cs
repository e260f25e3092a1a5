using Causeway.Coordinator.Refusals;
using Causeway.Federation;
using Causeway.Federation.Horizontal.Protection;
using Causeway.Federation.Vectors;
using Causeway.Privacy.SecureAggregation;
using Causeway.Vectors;

namespace Causeway.Coordinator.Vectors;

/// <summary>
/// The parties' k-means statistics summed under secure aggregation (Bonawitz et al. 2017, the protocol of protected
/// rounds): each step is one session among the taking parties (advertise keys, share them, masked statistics, unmask),
/// so the coordinator learns only the totals over the parties that finished the step, never one party's.
/// </summary>
/// <remarks>
/// The statistics are encoded as fixed point with public normalisers (<see cref="KMeansStatisticsEncoding"/>): the total
/// vector count T (each party's count is public in this mode) and the value bound B of the request. A party dropping out
/// midway is covered by the session's threshold (a strict majority); below it the step, and the training, fail.
/// </remarks>
internal sealed class SecureCentroidStatistics(
    IStepChannel channel, IReadOnlyList<PartyId> parties, string job, string collection, double bound, long total, TimeSpan stepTimeout) : ICentroidStatistics
{
    private int _sessions;

    public async Task<(double[] Sum, double[] SumSquares, long Count)> MomentsAsync(float[]? coarse, int start, int length, CancellationToken cancellationToken)
    {
        var sum = await SumAsync(new MomentsRequest(collection, coarse, start, length), cancellationToken).ConfigureAwait(false);
        return (sum[..length], sum[length..(2 * length)], (long)Math.Round(sum[2 * length]));
    }

    public async Task<(double[] Sums, long[] Counts)> AccumulateAsync(float[] centroids, float[]? coarse, int start, int length, int minCount, CancellationToken cancellationToken)
    {
        var sum = await SumAsync(new CentroidStatsRequest(collection, centroids, coarse, start, length, minCount), cancellationToken).ConfigureAwait(false);
        var values = centroids.Length;
        return (sum[..values], [.. sum[values..].Select(c => (long)Math.Round(c))]);
    }

    // One secure-aggregation session over the statistics `request` asks for.
    private async Task<double[]> SumAsync(ProtocolMessage request, CancellationToken cancellationToken)
    {
        var norms = KMeansStatisticsEncoding.Normalisers(request, bound, total);
        var scale = KMeansStatisticsEncoding.ScaleFor(parties.Count);
        var options = new SecureAggregationOptions(
            $"{job}/step-{_sessions + 1}", parties.Count, SecureAggregationOptions.MajorityThreshold(parties.Count), norms.Length, new FixedPointQuantization(scale, 1));
        var round = new RoundInfo(job, Interlocked.Increment(ref _sessions), 0);
        var (sum, problem) = await SecureSum.RunAsync(
            options, parties, (_, delivery) => new MaskedStatisticsRequest(request, new SecureAggregationMask(delivery), bound, total, scale), AskAsync).ConfigureAwait(false);
        return sum is { } ring ? KMeansStatisticsEncoding.Decode(ring, norms, scale) : throw Failed(request, problem);

        async Task<IReadOnlyList<(PartyId, ProtocolMessage?, string?)>> AskAsync(IEnumerable<PartyId> asked, Func<PartyId, ProtocolMessage> step) =>
            await Task.WhenAll(asked.Select(async p =>
            {
                var answer = await PartySteps.StepAsync(channel, p, round, step(p), stepTimeout, cancellationToken).ConfigureAwait(false);
                return (p, answer?.Reply, answer?.Failure);
            })).ConfigureAwait(false);
    }

    private static PartyFailedException Failed(ProtocolMessage request, string? why) =>
        new($"secure aggregation of the k-means {request.Name} failed: {why ?? "too few parties finished the step"}; the codebook was not trained");
}
