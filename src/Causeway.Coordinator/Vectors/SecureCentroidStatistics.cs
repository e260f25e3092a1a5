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
        var server = new SecureAggregationServer(options);
        var index = parties.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);

        // Round 0: keys.
        var advertised = new List<PartyId>();
        foreach (var (party, reply) in await AskAllAsync(parties, p => new SecureAggregationAdvertise(
            options.Session, options.Parties, options.Threshold, options.Length, scale, 1, index[p]), round, cancellationToken).ConfigureAwait(false))
        {
            if (reply is SecureAggregationKeys keys && keys.Keys.Party == index[party] && Try(() => server.Receive(keys.Keys)))
            {
                advertised.Add(party);
            }
        }

        var directory = server.CloseAdvertising() ?? throw Failed(request, server.Error);

        // Round 1: shares.
        var shared = new List<PartyId>();
        foreach (var (party, reply) in await AskAllAsync(advertised, _ => new SecureAggregationShareKeys(directory), round, cancellationToken).ConfigureAwait(false))
        {
            if (reply is SecureAggregationShares shares && shares.Bundle.Party == index[party] && Try(() => server.Receive(shares.Bundle)))
            {
                shared.Add(party);
            }
        }

        var deliveries = (server.CloseSharing() ?? throw Failed(request, server.Error)).ToDictionary(d => d.To);

        // Round 2: the statistics, encoded and masked at each party; a party that cannot encode them says why.
        var refusals = new List<string>();
        foreach (var (party, answer) in await StepAllAsync(shared, p => new MaskedStatisticsRequest(
            request, new SecureAggregationMask(deliveries[index[p]]), bound, total, scale), round, cancellationToken).ConfigureAwait(false))
        {
            if (answer?.Reply is SecureAggregationMasked masked && masked.Input.Party == index[party] && masked.Input.Values.Length == norms.Length)
            {
                Try(() => server.Receive(masked.Input));
            }
            else if (answer?.Failure is { } why)
            {
                refusals.Add($"{party}: {why}");
            }
        }

        var unmasking = server.CloseInputCollection() ?? throw Failed(request, string.Join("; ", [server.Error, .. refusals]));

        // Round 3: the survivors reveal what removes the masks.
        var survivors = parties.Where(p => unmasking.Survivors.Contains(index[p])).ToList();
        foreach (var (party, reply) in await AskAllAsync(survivors, _ => new SecureAggregationUnmask(unmasking), round, cancellationToken).ConfigureAwait(false))
        {
            if (reply is SecureAggregationUnmasked unmasked && unmasked.Response.Party == index[party])
            {
                Try(() => server.Receive(unmasked.Response));
            }
        }

        SecureAggregationResult result;
        try
        {
            result = server.Finish();
        }
        catch (SecureAggregationException e)
        {
            throw Failed(request, e.Message);
        }

        return result.Sum is { } sum ? KMeansStatisticsEncoding.Decode(sum, norms, scale) : throw Failed(request, result.Error);
    }

    private async Task<(PartyId Party, ProtocolMessage? Reply)[]> AskAllAsync(
        IEnumerable<PartyId> asked, Func<PartyId, ProtocolMessage> request, RoundInfo round, CancellationToken cancellationToken) =>
        [.. (await StepAllAsync(asked, request, round, cancellationToken).ConfigureAwait(false)).Select(a => (a.Party, a.Answer?.Reply))];

    private async Task<(PartyId Party, ProtocolStepReply? Answer)[]> StepAllAsync(
        IEnumerable<PartyId> asked, Func<PartyId, ProtocolMessage> request, RoundInfo round, CancellationToken cancellationToken) =>
        await Task.WhenAll(asked.Select(async p => (p, await PartySteps.StepAsync(channel, p, round, request(p), stepTimeout, cancellationToken).ConfigureAwait(false))))
            .ConfigureAwait(false);

    // A message that breaks the protocol leaves its sender out of the session, like a dropout.
    private static bool Try(Action receive)
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

    private static PartyFailedException Failed(ProtocolMessage request, string? why) =>
        new($"secure aggregation of the k-means {request.Name} failed: {why ?? "too few parties finished the step"}; the codebook was not trained");
}
