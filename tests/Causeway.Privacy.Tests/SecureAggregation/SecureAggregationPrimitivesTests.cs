using System.Numerics;
using System.Security.Cryptography;
using Causeway.Privacy.SecureAggregation;

namespace Causeway.Privacy.Tests.SecureAggregation;

public sealed class SecureAggregationPrimitivesTests
{
    [Fact]
    public void Mul_RandomElements_MatchesBigIntegerReference()
    {
        var random = new Random(1);
        var p = new BigInteger(PrimeField61.P);
        for (var k = 0; k < 10_000; k++)
        {
            var a = (ulong)random.NextInt64(0, (long)PrimeField61.P);
            var b = k == 0 ? PrimeField61.P - 1 : (ulong)random.NextInt64(0, (long)PrimeField61.P);

            Assert.Equal((ulong)(new BigInteger(a) * b % p), PrimeField61.Mul(a, b));
        }

        Assert.Equal(1UL, PrimeField61.Mul(12345, PrimeField61.Inverse(12345)));
    }

    [Fact]
    public void Reconstruct_AnyThresholdSubset_RecoversSecret_AndFewerSharesDoNot()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        const int n = 9;
        const int t = 5;
        var chunks = ShamirSecretSharing.ChunksFor(32);
        var shares = new ulong[n * chunks];
        ShamirSecretSharing.Split(secret, t, [.. Enumerable.Range(1, n)], shares);

        foreach (int[] xs in (int[][])[[1, 2, 3, 4, 5], [9, 7, 5, 3, 1], [2, 4, 6, 8, 9]])
        {
            var recovered = new byte[32];
            var ok = ShamirSecretSharing.TryReconstruct([.. xs.Select(x => shares.AsSpan((x - 1) * chunks, chunks).ToArray())], ShamirSecretSharing.LagrangeAtZero(xs), recovered);

            Assert.True(ok);
            Assert.Equal(secret, recovered);
        }

        int[] tooFew = [1, 2, 3, 4];
        var guess = new byte[32];
        var guessed = ShamirSecretSharing.TryReconstruct([.. tooFew.Select(x => shares.AsSpan((x - 1) * chunks, chunks).ToArray())], ShamirSecretSharing.LagrangeAtZero(tooFew), guess);
        Assert.False(guessed && guess.AsSpan().SequenceEqual(secret));
    }

    [Fact]
    public void Expand_ZeroKey_FirstBlockIsAes256KnownAnswer()
    {
        // AES-256, all-zero key, all-zero block (counter 0): dc95c078a2408989ad48a21492842087.
        using var expander = new MaskExpander(8);

        var mask = expander.Expand(new byte[32]).ToArray();

        var bytes = new byte[16];
        Buffer.BlockCopy(mask, 0, bytes, 0, 16);
        Assert.Equal(Convert.FromHexString("dc95c078a2408989ad48a21492842087"), bytes);
        Assert.NotEqual(mask[..4], mask[4..]);
    }

    [Fact]
    public void Apply_AddThenSubtractSameKey_RestoresTarget()
    {
        using var expander = new MaskExpander(1001);
        var key = RandomNumberGenerator.GetBytes(32);
        var target = Enumerable.Range(0, 1001).Select(i => (uint)i * 2654435761u).ToArray();
        var original = (uint[])target.Clone();

        expander.Apply(key, target, subtract: false);
        Assert.NotEqual(original, target);
        expander.Apply(key, target, subtract: true);

        Assert.Equal(original, target);
    }

    [Fact]
    public void Quantize_ClipsRoundsAndWrapsNegatives()
    {
        var quantization = new FixedPointQuantization(Scale: 100, ClipBound: 2);
        var destination = new uint[5];

        quantization.Quantize([0.016f, -0.5f, 3f, -7f, float.NaN], destination);

        Assert.Equal([2u, unchecked((uint)-50), 200u, unchecked((uint)-200), 0u], destination);
        var decoded = new double[2];
        quantization.Dequantize([unchecked(destination[1] + destination[3]), 150u], decoded);
        Assert.Equal([-2.5, 1.5], decoded);
    }

    [Fact]
    public void Validate_PartiesTimesClipTimesScaleReachesHalfRing_ReportsOverflow()
    {
        // 32,768 × ⌈1 × 65,536⌉ = 2^31: exactly half the ring, one too many.
        var options = new SecureAggregationOptions("s", 32_768, 20_000, 10, FixedPointQuantization.Default);

        var errors = options.Validate();

        Assert.Single(errors);
        Assert.StartsWith("overflow: parties (32768) × clip bound (1) × scale (65536)", errors[0], StringComparison.Ordinal);
        Assert.Empty((options with { Parties = 32_767 }).Validate());
        var thrown = Assert.Throws<ArgumentException>(() => new SecureAggregationServer(options));
        Assert.Contains("half the ring", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ThresholdOutOfRange_Reported()
    {
        var errors = new SecureAggregationOptions("s", 5, 6, 10, FixedPointQuantization.Default).Validate();

        Assert.Equal(["the threshold must satisfy 2 ≤ t ≤ 5 (the parties of a neighbourhood); got 6."], errors);
        Assert.Equal(
            ["the threshold must satisfy 2 ≤ t ≤ 11 (the parties of a neighbourhood); got 12."],
            new SecureAggregationOptions("s", 100, 12, 10, FixedPointQuantization.Default, Degree: 10).Validate());
        Assert.Equal(
            ["against a lying coordinator the threshold must exceed half a neighbourhood (2t > 11); got 5."],
            new SecureAggregationOptions("s", 100, 5, 10, FixedPointQuantization.Default, Degree: 10, Authenticated: true).Validate());
    }
}
