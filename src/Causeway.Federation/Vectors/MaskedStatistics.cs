using Causeway.Federation.Horizontal.Protection;

namespace Causeway.Federation.Vectors;

/// <summary>
/// Secure federated k-means (docs/vectors.md, "Under secure aggregation"): compute <see cref="Statistics"/> (a
/// <see cref="MomentsRequest"/> or <see cref="CentroidStatsRequest"/>) as usual, encode the answer as fixed point
/// (<see cref="KMeansStatisticsEncoding"/>) and mask it with the secure-aggregation session's shares, so the coordinator
/// learns only the sum over the parties. The party answers with <see cref="SecureAggregationMasked"/>.
/// </summary>
/// <param name="Statistics">The statistics to compute.</param>
/// <param name="Mask">The session's shares addressed to this party.</param>
/// <param name="Bound">The public bound B on every vector value (|x| ≤ B); residuals are bounded by 2B.</param>
/// <param name="Total">The vectors held over every taking party (each party's count is public in this mode).</param>
/// <param name="Scale">Fixed-point units per normalised 1.0.</param>
public sealed record MaskedStatisticsRequest(ProtocolMessage Statistics, SecureAggregationMask Mask, double Bound, long Total, double Scale) : ProtocolMessage
{
    public override string Name => "masked statistics request";

    public override long PayloadBytes => Statistics.PayloadBytes;
}

/// <summary>
/// The fixed-point form of k-means statistics under secure aggregation, the same at the party and the coordinator.
/// </summary>
/// <remarks>
/// <para>
/// The statistics are laid out as one vector: moments as [Σx (L), Σx² (L), n], centroid statistics as [sums (k × L),
/// counts (k)]. Each value v is divided by a public normaliser, T·B for sums, T·B² for squares and T for counts (T the
/// total vectors, B the value bound, doubled for residuals), and encoded as q = round(v / norm × s) in Z_2^32.
/// </para>
/// <para>
/// Why it cannot overflow: a party holding n of the T vectors, each value within ±B, contributes at most n/T in
/// magnitude per coordinate, so the true sum over parties lies in [−1, 1] and its encoding within ±(s + P/2) with s
/// below 2^31 / (P + 1). A party checks its own statistics against n/T and refuses to encode values that break the
/// bound (a vector value beyond B), rather than let the sum wrap. Resolution: T·B / s per summed value.
/// </para>
/// </remarks>
public static class KMeansStatisticsEncoding
{
    /// <summary>The fixed-point scale for <paramref name="parties"/> parties: ⌊2^31 / (P + 1)⌋.</summary>
    public static double ScaleFor(int parties) => Math.Floor(Privacy.SecureAggregation.FixedPointQuantization.HalfRing / (parties + 1));

    /// <summary>The public normaliser of every value of the statistics <paramref name="request"/> asks for.</summary>
    public static double[] Normalisers(ProtocolMessage request, double bound, long total)
    {
        var (length, centroids, residual) = request switch
        {
            MomentsRequest m => (m.Length, 0, m.Coarse is not null),
            CentroidStatsRequest c => (c.Length, c.Centroids.Length / c.Length, c.Coarse is not null),
            _ => throw new ArgumentException($"{request.Name} is not a k-means statistics request", nameof(request)),
        };
        var b = residual ? 2 * bound : bound;
        return centroids == 0
            ? [.. Enumerable.Repeat(total * b, length), .. Enumerable.Repeat(total * b * b, length), total]
            : [.. Enumerable.Repeat(total * b, centroids * length), .. Enumerable.Repeat((double)total, centroids)];
    }

    /// <summary>A party's answer as one vector, in the layout of <see cref="Normalisers"/>, and how many vectors it covers.</summary>
    public static (double[] Values, long Vectors) Flatten(ProtocolMessage reply) => reply switch
    {
        MomentsReply m => ([.. m.Sum, .. m.SumSquares, m.Count], m.Count),
        CentroidStatsReply c => ([.. c.Sums, .. c.Counts.Select(n => (double)n)], c.Counts.Sum()),
        _ => throw new ArgumentException($"{reply.Name} is not a k-means statistics reply", nameof(reply)),
    };

    /// <summary>The party's encoding, or why it refuses (a value beyond what the bound allows for its count).</summary>
    public static (uint[]? Encoded, string? Problem) Encode(MaskedStatisticsRequest request, ProtocolMessage reply)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (values, vectors) = Flatten(reply);
        var norms = Normalisers(request.Statistics, request.Bound, request.Total);
        if (values.Length != norms.Length)
        {
            return (null, $"the statistics have {values.Length} values; the request's layout has {norms.Length}");
        }

        var share = (double)vectors / request.Total;
        var encoded = new uint[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var normalised = values[i] / norms[i];
            if (!double.IsFinite(normalised) || Math.Abs(normalised) > share * (1 + 1e-9))
            {
                return (null, $"a vector value exceeds the public bound {request.Bound:G6} (valueBound) this secure training was started with; start it again with a larger bound");
            }

            encoded[i] = unchecked((uint)(int)Math.Round(normalised * request.Scale, MidpointRounding.ToEven));
        }

        return (encoded, null);
    }

    /// <summary>The summed statistics decoded from the ring sum.</summary>
    public static double[] Decode(ReadOnlySpan<uint> sum, double[] normalisers, double scale)
    {
        var decoded = new double[sum.Length];
        for (var i = 0; i < sum.Length; i++)
        {
            decoded[i] = unchecked((int)sum[i]) / scale * normalisers[i];
        }

        return decoded;
    }
}
