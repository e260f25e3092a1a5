using System.Numerics;
using Causeway.Privacy.BigIntegers;

namespace Causeway.Privacy.Tests.BigIntegers;

public sealed class MultiExponentiationTests
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var backend in BigIntegerBackend.TryCreateGmp() is null ? ["managed"] : (string[])["managed", "gmp"])
        {
            data.Add(backend, 1, 3);
            data.Add(backend, 50, 17);
            data.Add(backend, 700, 17);
            data.Add(backend, 64, 63);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compute_SignedExponents_EqualsNaiveProductOfModPows(string backendName, int count, int exponentBits)
    {
        // Arrange: units of a 1024-bit odd modulus; exponents of both signs, zeros, ±1 and the extremes.
        var random = new Random(20261208 + count + exponentBits);
        var modulus = RandomOdd(random, 1024);
        var bases = Enumerable.Range(0, count).Select(_ => RandomUnit(random, modulus)).ToArray();
        var exponents = Enumerable.Range(0, count).Select(i => i switch
        {
            0 => (1L << (exponentBits - 1)) - 1 + (1L << (exponentBits - 1)),
            _ when i % 9 == 0 => 0,
            _ when i % 11 == 0 => -1,
            _ when i % 13 == 0 => 1,
            _ when i % 17 == 0 => -(1L << (exponentBits - 1)),
            _ => random.NextInt64(-(1L << (exponentBits - 1)), 1L << (exponentBits - 1)),
        }).ToArray();
        var width = modulus.GetByteCount(isUnsigned: true);
        using var kernel = Backend(backendName).CreateMultiExponentiation([.. bases.Select(b => (ReadOnlyMemory<byte>)Bytes(b, width))], Bytes(modulus, width));
        var result = new byte[width];

        // Act
        kernel.Compute(exponents, result);

        // Assert
        Assert.Equal(Naive(bases, exponents, modulus), new BigInteger(result, isUnsigned: true, isBigEndian: true));
    }

    [Theory]
    [InlineData("managed")]
    [InlineData("gmp")]
    public void Compute_ManyVectorsFromSeveralThreads_EachEqualsNaive(string backendName)
    {
        if (backendName == "gmp" && BigIntegerBackend.TryCreateGmp() is null)
        {
            return;
        }

        var random = new Random(7);
        var modulus = RandomOdd(random, 512);
        var bases = Enumerable.Range(0, 40).Select(_ => RandomUnit(random, modulus)).ToArray();
        var vectors = Enumerable.Range(0, 24).Select(v => Enumerable.Range(0, 40).Select(_ => random.NextInt64(-70_000, 70_000) >> (v % 4)).ToArray()).ToArray();
        var width = modulus.GetByteCount(isUnsigned: true);
        using var kernel = Backend(backendName).CreateMultiExponentiation([.. bases.Select(b => (ReadOnlyMemory<byte>)Bytes(b, width))], Bytes(modulus, width));
        var results = new BigInteger[vectors.Length];

        Parallel.For(0, vectors.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, v =>
        {
            var result = new byte[width];
            kernel.Compute(vectors[v], result);
            results[v] = new BigInteger(result, isUnsigned: true, isBigEndian: true);
        });

        Assert.Equal(vectors.Select(v => Naive(bases, v, modulus)), results);
    }

    [Theory]
    [InlineData("managed")]
    [InlineData("gmp")]
    public void Compute_AllZeroAndMinValue_GiveOneAndRefusal(string backendName)
    {
        if (backendName == "gmp" && BigIntegerBackend.TryCreateGmp() is null)
        {
            return;
        }

        using var kernel = Backend(backendName).CreateMultiExponentiation([new byte[] { 0, 5 }, new byte[] { 0, 9 }], [1, 1]);
        var result = new byte[2];

        kernel.Compute([0, 0], result);

        Assert.Equal(new byte[] { 0, 1 }, result);
        Assert.Throws<ArgumentOutOfRangeException>(() => kernel.Compute([long.MinValue, 0], result));
    }

    [Theory]
    [InlineData(2048, 16, 9)]
    [InlineData(2048, 62, 8)]
    [InlineData(31, 16, 3)]
    public void Plan_ChoosesTheCheapestWindow(int count, int magnitudeBits, int expectedWindow)
    {
        var exponents = new long[count];
        exponents[0] = -(1L << magnitudeBits);

        var plan = MultiExponentiationPlan.For(exponents, count)!.Value;

        Assert.Equal(magnitudeBits + 1, plan.OffsetBits);
        Assert.Equal(expectedWindow, plan.Window);
        Assert.Equal((plan.OffsetBits + plan.Window) / plan.Window, plan.Positions);
        Assert.Equal(1UL, plan.Offset(exponents[0]) >> magnitudeBits);
    }

    private static BigInteger Naive(BigInteger[] bases, long[] exponents, BigInteger modulus)
    {
        var product = BigInteger.One;
        for (var i = 0; i < bases.Length; i++)
        {
            var power = BigInteger.ModPow(bases[i], BigInteger.Abs(exponents[i]), modulus);
            if (exponents[i] < 0)
            {
                power = ManagedBigIntegerBackend.ModInverse(power, modulus)!.Value;
            }

            product = product * power % modulus;
        }

        return product;
    }

    private static BigIntegerBackend Backend(string name) => name == "gmp" ? BigIntegerBackend.TryCreateGmp()! : BigIntegerBackend.Managed;

    private static BigInteger RandomOdd(Random random, int bits)
    {
        var bytes = new byte[bits / 8];
        random.NextBytes(bytes);
        bytes[0] |= 0x80;
        bytes[^1] |= 1;
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    private static BigInteger RandomUnit(Random random, BigInteger modulus)
    {
        while (true)
        {
            var bytes = new byte[modulus.GetByteCount(isUnsigned: true) + 8];
            random.NextBytes(bytes);
            var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true) % modulus;
            if (BigInteger.GreatestCommonDivisor(value, modulus).IsOne)
            {
                return value;
            }
        }
    }

    private static byte[] Bytes(BigInteger value, int width)
    {
        var bytes = new byte[width];
        var raw = value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true);
        raw.CopyTo(bytes, width - raw.Length);
        return bytes;
    }
}
