using System.Numerics;
using Causeway.Privacy.BigIntegers;
using Causeway.Privacy.Paillier;

namespace Causeway.Privacy.Tests.Paillier;

public sealed class PaillierTests(PaillierKeyFixture fixture) : IClassFixture<PaillierKeyFixture>
{
    private PaillierPublicKey PublicKey => fixture.PublicKey;

    private PaillierPrivateKey PrivateKey => fixture.PrivateKey;

    [Fact]
    public void Generate_Default_Is2048BitsOnTheDefaultBackend()
    {
        Assert.Equal(2048, PublicKey.Bits);
        Assert.Equal(256, PublicKey.ModulusLength);
        Assert.Equal(512, PublicKey.CiphertextLength);
        Assert.Equal(PaillierRuntime.Backend, PublicKey.BackendName);
    }

    [Fact]
    public void Generate_3072_HasExactSizeAnd47PackedSlots()
    {
        using var key = PaillierPrivateKey.Generate(3072);

        var c = key.PublicKey.Encrypt(key.PublicKey.Modulus - 9);

        Assert.Equal(3072, key.PublicKey.Bits);
        Assert.Equal(768, key.PublicKey.CiphertextLength);
        Assert.Equal(47, FixedPointEncoding.Default.SlotsPerCiphertext(key.PublicKey));
        Assert.Equal(-9, key.DecryptSigned(c));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1024)]
    [InlineData(2047)]
    [InlineData(2100)]
    [InlineData(16384)]
    public void Generate_BadSize_IsRefused(int bits)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PaillierPrivateKey.Generate(bits));

        Assert.Contains("multiple of 256 bits in [2048, 8192]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EncryptAddDecrypt_SignedValues_RoundTrip()
    {
        long[] values = [0, 1, -1, 123_456_789, -987_654_321, long.MaxValue, long.MinValue + 1];
        var n = PublicKey.Modulus;

        var ciphertexts = values.Select(v => PublicKey.Encrypt(v < 0 ? n + v : v)).ToArray();
        var sum = ciphertexts.Aggregate(PublicKey.Add);

        Assert.Equal(values.Select(v => (BigInteger)v), ciphertexts.Select(PrivateKey.DecryptSigned));
        Assert.Equal(values.Aggregate(BigInteger.Zero, (s, v) => s + v), PrivateKey.DecryptSigned(sum));
    }

    [Fact]
    public void Encrypt_SamePlaintextTwice_GivesDifferentCiphertexts()
    {
        var a = PublicKey.Encrypt(7);
        var b = PublicKey.Encrypt(7);

        Assert.NotEqual(a.ToBytes(), b.ToBytes());
        Assert.Equal(PrivateKey.Decrypt(a), PrivateKey.Decrypt(b));
    }

    [Fact]
    public void Encrypt_LargestPlaintext_DecryptsToNMinusOneAndWrapsOnAdd()
    {
        var n = PublicKey.Modulus;
        var top = PublicKey.Encrypt(n - 1);

        Assert.Equal(n - 1, PrivateKey.Decrypt(top));
        Assert.Equal(BigInteger.One, PrivateKey.Decrypt(PublicKey.AddPlaintext(top, 2)));
    }

    [Fact]
    public void AddPlaintext_NegativeAndPositiveScalars_Shift()
    {
        var c = PublicKey.Encrypt(100);

        Assert.Equal(-150, PrivateKey.DecryptSigned(PublicKey.AddPlaintext(c, -250)));
        Assert.Equal(350, PrivateKey.DecryptSigned(PublicKey.AddPlaintext(c, 250)));
    }

    [Fact]
    public void Randomizer_Precomputed_EncryptsOnceThenRefuses()
    {
        var randomizer = PublicKey.CreateRandomizer();

        var c = PublicKey.Encrypt(31337, randomizer);

        Assert.Equal(31337, PrivateKey.Decrypt(c));
        var e = Assert.Throws<InvalidOperationException>(() => PublicKey.Encrypt(1, randomizer));
        Assert.Contains("already used", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encrypt_PlaintextOutOfRange_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PublicKey.Encrypt(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => PublicKey.Encrypt(PublicKey.Modulus));
    }

    [Fact]
    public void PublicKey_ToBytesFromBytes_RoundTripsAndEncryptsForTheSameKey()
    {
        var bytes = PublicKey.ToBytes();

        var read = PaillierPublicKey.FromBytes(bytes);
        var c = read.Encrypt(42);

        Assert.Equal(4 + 256, bytes.Length);
        Assert.Equal(new byte[] { 0, 0, 8, 0 }, bytes[..4]);
        Assert.Equal(PublicKey, read);
        Assert.Equal(42, PrivateKey.Decrypt(PublicKey.CiphertextFromBytes(c.ToBytes())));
    }

    [Fact]
    public void PublicKeyFromBytes_SmallKey_IsRefused()
    {
        using var small = PaillierPrivateKey.GenerateUnchecked(1024, BigIntegerBackend.Default);

        var e = Assert.Throws<ArgumentException>(() => PaillierPublicKey.FromBytes(small.PublicKey.ToBytes()));

        Assert.Contains("1024 bits is outside the accepted range [2048, 8192]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PublicKeyFromBytes_WrongLengthOrEvenModulus_IsRefused()
    {
        var bytes = PublicKey.ToBytes();
        var even = (byte[])bytes.Clone();
        even[^1] &= 0xFE;

        var truncated = Assert.Throws<ArgumentException>(() => PaillierPublicKey.FromBytes(bytes.AsSpan(0, bytes.Length - 1)));
        var notOdd = Assert.Throws<ArgumentException>(() => PaillierPublicKey.FromBytes(even));

        Assert.Contains("is 260 bytes", truncated.Message, StringComparison.Ordinal);
        Assert.Contains("even", notOdd.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CiphertextFromBytes_WrongLength_IsRefused()
    {
        var bytes = PublicKey.Encrypt(1).ToBytes();

        var e = Assert.Throws<ArgumentException>(() => PublicKey.CiphertextFromBytes(bytes.AsSpan(1)));

        Assert.Contains("is 512 bytes (big-endian, fixed width); got 511", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CiphertextFromBytes_ZeroOrAtLeastNSquared_IsRefused()
    {
        var nSquared = KnownAnswer.Bytes(PublicKey.Modulus * PublicKey.Modulus, PublicKey.CiphertextLength);
        var allOnes = Enumerable.Repeat((byte)0xFF, PublicKey.CiphertextLength).ToArray();

        foreach (var bad in (byte[][])[new byte[PublicKey.CiphertextLength], nSquared, allOnes])
        {
            var e = Assert.Throws<ArgumentException>(() => PublicKey.CiphertextFromBytes(bad));
            Assert.Contains("out of range: it must lie in [1, n²)", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CiphertextFromBytes_MultipleOfN_IsRefusedAsNotCoprime()
    {
        var multiple = KnownAnswer.Bytes(PublicKey.Modulus * 3, PublicKey.CiphertextLength);

        var e = Assert.Throws<ArgumentException>(() => PublicKey.CiphertextFromBytes(multiple));

        Assert.Contains("not coprime to n", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_CiphertextUnderAnotherKey_IsRefused()
    {
        using var other = PaillierPrivateKey.FromPrimes(KnownAnswer.P, KnownAnswer.Q, BigIntegerBackend.Default);

        var e = Assert.Throws<ArgumentException>(() => PublicKey.Add(PublicKey.Encrypt(1), other.PublicKey.Encrypt(1)));

        Assert.Contains("another Paillier key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decrypt_AfterDispose_Throws()
    {
        var key = PaillierPrivateKey.FromPrimes(KnownAnswer.P, KnownAnswer.Q, BigIntegerBackend.Default);
        var c = key.PublicKey.Encrypt(5);
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.Decrypt(c));
    }
}
