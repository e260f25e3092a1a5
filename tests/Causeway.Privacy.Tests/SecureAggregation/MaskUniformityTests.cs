using System.Runtime.InteropServices;
using Causeway.Privacy.SecureAggregation;

namespace Causeway.Privacy.Tests.SecureAggregation;

/// <summary>A single masked vector must look uniform on Z_2^32: the server learns nothing from it alone.</summary>
public sealed class MaskUniformityTests
{
    // Chi-square with 255 degrees of freedom: mean 255, sd 22.6; 400 is ≈ 6.4 sd above the mean (p ≈ 1e-8).
    private const double ByteChiSquareLimit = 400;

    // Each of the 32 bit positions over 1M values: |z| above 6 has probability ≈ 2e-9 per position.
    private const double BitZLimit = 6;

    private const int Length = 1_000_000;

    [Fact]
    public void MaskInput_MillionValues_BytesAndBitsIndistinguishableFromUniform()
    {
        var input = Input();
        using var harness = new SecureAggregationHarness(SecureAggregationHarness.CreateOptions(3, 2, Length));
        var parties = harness.Parties;
        var directory = new KeyDirectory([.. parties.Select(p => p.Advertise())]);
        var bundles = parties.Select(p => p.ShareKeys(directory)).ToArray();
        var delivery = new ShareDelivery(1, [.. bundles.SelectMany(b => b.Shares).Where(s => s.To == 1)]);

        var masked = parties[1].MaskInput(delivery, input).Values;

        Assert.InRange(ByteChiSquare(masked), 0, ByteChiSquareLimit);
        Assert.InRange(MaxBitZ(masked), 0, BitZLimit);
    }

    [Fact]
    public void UniformityCheck_UnmaskedQuantisedInput_FailsClearly()
    {
        var input = Input();

        Assert.True(ByteChiSquare(input) > 100 * ByteChiSquareLimit);
        Assert.True(MaxBitZ(input) > 10 * BitZLimit);
    }

    private static uint[] Input()
    {
        var random = new Random(11);
        var floats = new float[Length];
        for (var i = 0; i < floats.Length; i++)
        {
            floats[i] = (float)((random.NextDouble() - 0.25) * 0.2);
        }

        var quantised = new uint[Length];
        FixedPointQuantization.Default.Quantize(floats, quantised);
        return quantised;
    }

    private static double ByteChiSquare(uint[] values)
    {
        var counts = new long[256];
        foreach (var b in MemoryMarshal.AsBytes(values.AsSpan()))
        {
            counts[b]++;
        }

        var expected = values.Length * 4 / 256.0;
        return counts.Sum(c => (c - expected) * (c - expected) / expected);
    }

    private static double MaxBitZ(uint[] values)
    {
        var ones = new long[32];
        foreach (var v in values)
        {
            for (var bit = 0; bit < 32; bit++)
            {
                ones[bit] += (v >> bit) & 1;
            }
        }

        var n = (double)values.Length;
        return ones.Max(c => Math.Abs(c - (n / 2)) / Math.Sqrt(n / 4));
    }
}
