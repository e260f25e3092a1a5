using System.Numerics;

namespace Causeway.Privacy.BigIntegers;

/// <summary>The offset, digit width and positions of one <see cref="IMultiExponentiation.Compute"/> call.</summary>
/// <param name="OffsetBits">t: the offset is K = 2^t &gt; max|kᵢ|, so kᵢ + K has at most t + 1 bits.</param>
/// <param name="Window">w: bits per digit.</param>
/// <param name="Positions">⌈(t + 1)/w⌉ digit positions.</param>
internal readonly record struct MultiExponentiationPlan(int OffsetBits, int Window, int Positions)
{
    /// <summary>The plan for these exponents over <paramref name="count"/> bases, or null when every exponent is 0.</summary>
    public static MultiExponentiationPlan? For(ReadOnlySpan<long> exponents, int count)
    {
        ulong largest = 0;
        foreach (var k in exponents)
        {
            if (k == long.MinValue)
            {
                throw new ArgumentOutOfRangeException(nameof(exponents), "An exponent is long.MinValue, whose magnitude has no 64-bit form.");
            }

            largest = Math.Max(largest, (ulong)Math.Abs(k));
        }

        if (largest == 0)
        {
            return null;
        }

        var offsetBits = 64 - BitOperations.LeadingZeroCount(largest);
        var bits = offsetBits + 1;
        var best = (Window: 1, Cost: double.MaxValue);
        for (var w = 1; w <= 16; w++)
        {
            var cost = ((bits + w - 1) / w) * ((double)count + (2 << w));
            if (cost < best.Cost)
            {
                best = (w, cost);
            }
        }

        return new MultiExponentiationPlan(offsetBits, best.Window, (bits + best.Window - 1) / best.Window);
    }

    /// <summary>kᵢ + 2^t as an unsigned integer in [1, 2^(t+1)).</summary>
    public ulong Offset(long exponent) => (ulong)exponent + (1UL << OffsetBits);
}
