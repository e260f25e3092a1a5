using System.Numerics;
using Causeway.Privacy.Paillier;

namespace Causeway.Privacy.Tests.Paillier;

public sealed class FixedPointEncodingTests
{
    private static readonly BigInteger Modulus = KnownAnswer.N;

    [Fact]
    public void Default_DocumentedScaleRangeAndCapacity()
    {
        var encoding = FixedPointEncoding.Default;

        Assert.Equal(64, encoding.SlotBits);
        Assert.Equal(16384.0, encoding.MaxMagnitude);
        Assert.Equal(65536, encoding.MaxSummands);
        Assert.Equal(Math.ScaleB(1.0, -32), encoding.Resolution);
    }

    [Theory]
    [InlineData(0.0, 0L)]
    [InlineData(1.0, 1L << 32)]
    [InlineData(-1.0, -(1L << 32))]
    [InlineData(0.5, 1L << 31)]
    [InlineData(-16383.75, -70367670435840L)]
    public void Encode_KnownValues_AreScaledBy2To32(double value, long expected)
    {
        Assert.Equal(expected, FixedPointEncoding.Default.Encode(value));
        Assert.Equal(value, FixedPointEncoding.Default.Decode(expected));
    }

    [Theory]
    [InlineData(16384.0)]
    [InlineData(-16384.0)]
    [InlineData(1e30)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Encode_OutOfRange_IsRefused(double value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPointEncoding.Default.Encode(value));
    }

    [Fact]
    public void Decode_BeyondSumCapacity_RaisesOverflow()
    {
        var e = Assert.Throws<OverflowException>(() => FixedPointEncoding.Default.Decode(1L << 62));

        Assert.Contains("beyond the encodable range ±2^30", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PackUnpack_SignedSlots_MatchNaiveReferenceAndNegativesAreNMinusAbs()
    {
        // Arrange: fixed seed; slot values at and near the capacity bounds.
        var encoding = FixedPointEncoding.Default;
        var bound = (1L << 62) - 1;
        var random = new Random(7);
        var slots = Enumerable.Range(0, 31).Select(i => i switch { 0 => bound, 1 => -bound, 2 => 0, _ => random.NextInt64(-bound, bound) }).ToArray();

        // Act
        var packed = encoding.Pack(slots, Modulus);
        var unpacked = new long[slots.Length];
        encoding.Unpack(packed, Modulus, unpacked);

        // Assert: the naive reference Σ vᵢ·2^(64·i), negative totals stored as n − |X|.
        var reference = slots.Select((v, i) => (BigInteger)v << (64 * i)).Aggregate(BigInteger.Zero, BigInteger.Add);
        Assert.Equal(reference.Sign < 0 ? Modulus - BigInteger.Abs(reference) : reference, packed);
        Assert.Equal(slots, unpacked);
    }

    [Fact]
    public void PackUnpack_NarrowSlots_SignExtend()
    {
        var encoding = new FixedPointEncoding { FractionalBits = 8, IntegerBits = 4, HeadroomBits = 2 };
        long[] slots = [-1, 1, -1000, 1000, 0];

        var unpacked = new long[slots.Length];
        encoding.Unpack(encoding.Pack(slots, Modulus), Modulus, unpacked);

        Assert.Equal(16, encoding.SlotBits);
        Assert.Equal(slots, unpacked);
    }

    [Fact]
    public void Validate_SlotWiderThan64Bits_IsRefused()
    {
        var wide = new FixedPointEncoding { HeadroomBits = 20 };

        Assert.Throws<ArgumentException>(() => wide.SlotsPerCiphertext(PaillierPublicKey.FromBytes(KnownAnswerKey())));
    }

    private static byte[] KnownAnswerKey()
    {
        var bytes = new byte[4 + 256];
        bytes[2] = 8;
        KnownAnswer.Bytes(Modulus, 256).CopyTo(bytes, 4);
        return bytes;
    }
}
