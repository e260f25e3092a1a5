namespace Causeway.Federation.Recommendation.Models;

/// <summary>
/// Normal samples from a SplitMix64 stream (Steele, Lea and Flood 2014) by the Box–Muller transform: the output depends
/// on the seed alone, never on the runtime, so a seed names the same initial factors everywhere.
/// </summary>
internal struct GaussianStream(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A double uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return ((z ^ (z >> 31)) >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>Fills <paramref name="values"/> with independent N(0, <paramref name="standardDeviation"/>²) samples.</summary>
    public void Fill(Span<float> values, float standardDeviation)
    {
        for (var i = 0; i < values.Length; i += 2)
        {
            // 1 − u lies in (0, 1], so the logarithm is finite.
            var radius = Math.Sqrt(-2 * Math.Log(1 - NextDouble())) * standardDeviation;
            var angle = 2 * Math.PI * NextDouble();
            values[i] = (float)(radius * Math.Cos(angle));
            if (i + 1 < values.Length)
            {
                values[i + 1] = (float)(radius * Math.Sin(angle));
            }
        }
    }
}
