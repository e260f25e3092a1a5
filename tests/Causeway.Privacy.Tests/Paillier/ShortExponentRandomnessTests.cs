using System.Numerics;
using Causeway.Privacy.Paillier;

namespace Causeway.Privacy.Tests.Paillier;

public sealed class ShortExponentRandomnessTests(PaillierKeyFixture fixture) : IClassFixture<PaillierKeyFixture>
{
    private PaillierPublicKey PublicKey => fixture.PublicKey;

    private PaillierPrivateKey PrivateKey => fixture.PrivateKey;

    [Fact]
    public void Randomness_Default_IsShortExponentAndUniformIsChosenPerEncryptor()
    {
        var uniform = PublicKey.WithRandomness(PaillierRandomness.Uniform);

        Assert.Equal(PaillierRandomness.ShortExponent, PublicKey.Randomness);
        Assert.Equal(PaillierRandomness.Uniform, uniform.Randomness);
        Assert.Equal(PublicKey, uniform);
        Assert.Same(PublicKey, PublicKey.WithRandomness(PaillierRandomness.ShortExponent));
        Assert.Equal(PaillierRandomness.ShortExponent, PaillierPublicKey.FromBytes(PublicKey.ToBytes()).Randomness);
    }

    [Fact]
    public void ExponentBits_2048BitKey_Is1024()
    {
        using var randomness = new ShortExponentRandomness(PublicKey);

        Assert.Equal(1024, randomness.ExponentBits);
    }

    [Fact]
    public void Randomizer_ShortExponent_IsAnNthResidueThatEncryptsZero()
    {
        // D(R) = 0 exactly when R is an n-th residue mod n², which h_s^a = (h^a)^n is.
        var randomizers = Enumerable.Range(0, 8).Select(_ => PublicKey.CreateRandomizer(PaillierRandomness.ShortExponent)).ToArray();

        var decrypted = randomizers.Select(r => PrivateKey.Decrypt(PublicKey.Encrypt(0, r))).ToArray();

        Assert.All(decrypted, m => Assert.Equal(BigInteger.Zero, m));
    }

    [Fact]
    public void Randomizers_ShortExponent_AreDistinctAndUnits()
    {
        var values = Enumerable.Range(0, 64).Select(_ => PublicKey.CreateRandomizer(PaillierRandomness.ShortExponent).Take()).ToArray();

        Assert.Equal(values.Length, values.Select(Convert.ToHexString).Distinct().Count());
        Assert.All(values, v => Assert.True(PublicKey.Backend.AreCoprime(v, PublicKey.ModulusBytes)));
        Assert.All(values, v => Assert.True(v.AsSpan().SequenceCompareTo(PublicKey.ModulusSquaredBytes) < 0));
    }

    [Theory]
    [InlineData(PaillierRandomness.ShortExponent)]
    [InlineData(PaillierRandomness.Uniform)]
    public void EncryptDecrypt_EitherRandomness_RoundTripsSignedValues(PaillierRandomness randomness)
    {
        var key = PublicKey.WithRandomness(randomness);
        var n = key.Modulus;
        long[] values = [0, 1, -1, 65_537, -987_654_321, long.MaxValue];

        var decrypted = values.Select(v => PrivateKey.DecryptSigned(key.Encrypt(v < 0 ? n + v : v))).ToArray();
        var viaRandomizer = values.Select(v => PrivateKey.DecryptSigned(key.Encrypt(v < 0 ? n + v : v, key.CreateRandomizer()))).ToArray();

        Assert.Equal(values.Select(v => (BigInteger)v), decrypted);
        Assert.Equal(values.Select(v => (BigInteger)v), viaRandomizer);
    }

    [Fact]
    public void Encrypt_SamePlaintextTwice_GivesDifferentCiphertexts()
    {
        var a = PublicKey.Encrypt(42);
        var b = PublicKey.Encrypt(42);

        Assert.NotEqual(a.ToBytes(), b.ToBytes());
        Assert.Equal(PrivateKey.Decrypt(a), PrivateKey.Decrypt(b));
    }

    [Fact]
    public void HomomorphicOperations_OnShortExponentCiphertexts_AreCorrect()
    {
        var n = PublicKey.Modulus;
        var a = PublicKey.Encrypt(1_000_003);
        var b = PublicKey.Encrypt(n - 17);
        var uniform = PublicKey.WithRandomness(PaillierRandomness.Uniform).Encrypt(5);

        var sum = PublicKey.Add(PublicKey.Add(a, b), uniform);
        var shifted = PublicKey.AddPlaintext(a, -3);
        var scaled = PublicKey.Multiply(b, -7);
        var combined = PublicKey.LinearCombination([a, b, uniform], [2, -3, 65_536]);

        Assert.Equal(1_000_003 - 17 + 5, PrivateKey.DecryptSigned(sum));
        Assert.Equal(1_000_000, PrivateKey.DecryptSigned(shifted));
        Assert.Equal(119, PrivateKey.DecryptSigned(scaled));
        Assert.Equal((2 * 1_000_003) + (3 * 17) + (5 * 65_536), PrivateKey.DecryptSigned(combined));
    }
}
