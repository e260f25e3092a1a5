using System.Numerics;
using Causeway.Privacy.Paillier;

namespace Causeway.Privacy.Tests.Paillier;

public sealed class PaillierScalarTests(PaillierKeyFixture fixture) : IClassFixture<PaillierKeyFixture>
{
    [Theory]
    [InlineData(123456789L, 1000L)]
    [InlineData(-987654321L, 77L)]
    [InlineData(42L, -3L)]
    [InlineData(-5L, -1_000_003L)]
    [InlineData(17L, 0L)]
    public void Multiply_SignedScalar_DecryptsToTheProduct(long plaintext, long scalar)
    {
        // Arrange
        var key = fixture.PublicKey;
        var ciphertext = key.Encrypt(Signed(plaintext));

        // Act
        var product = key.Multiply(ciphertext, scalar);

        // Assert
        Assert.Equal(new BigInteger(plaintext) * scalar, fixture.PrivateKey.DecryptSigned(product));
    }

    [Fact]
    public void Multiply_ScalarOfModulusSize_IsRefused()
    {
        var key = fixture.PublicKey;
        Assert.Throws<ArgumentOutOfRangeException>(() => key.Multiply(key.Encrypt(1), key.Modulus));
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(40, 20)]
    [InlineData(300, 40)]
    [InlineData(300, 62)]
    public void LinearCombination_MixedSignsAndZeros_EqualsThePlainSum(int count, int scalarBits)
    {
        // Arrange: signed plaintexts and scalars, every 5th scalar 0, every 7th a 0/1 feature.
        var random = new Random(20261203 + count + scalarBits);
        var key = fixture.PublicKey;
        var plaintexts = Enumerable.Range(0, count).Select(_ => random.NextInt64(-1L << 40, 1L << 40)).ToArray();
        var scalars = Enumerable.Range(0, count)
            .Select(i => i % 5 == 0 ? 0L : i % 7 == 0 ? 1L : random.NextInt64(-(1L << (scalarBits - 1)), 1L << (scalarBits - 1)))
            .ToArray();
        var ciphertexts = plaintexts.Select(m => key.Encrypt(Signed(m))).ToArray();
        var expected = BigInteger.Zero;
        for (var i = 0; i < count; i++)
        {
            expected += new BigInteger(plaintexts[i]) * scalars[i];
        }

        // Act
        var combination = key.LinearCombination(ciphertexts, scalars);

        // Assert
        Assert.Equal(expected, fixture.PrivateKey.DecryptSigned(combination));
    }

    [Fact]
    public void LinearCombination_AllScalarsZero_DecryptsToZero()
    {
        var key = fixture.PublicKey;
        var combination = key.LinearCombination([key.Encrypt(5), key.Encrypt(9)], [0L, 0L]);
        Assert.Equal(BigInteger.Zero, fixture.PrivateKey.Decrypt(combination));
    }

    [Fact]
    public void LinearCombination_CountMismatch_NamesBothCounts()
    {
        var key = fixture.PublicKey;
        var error = Assert.Throws<ArgumentException>(() => key.LinearCombination([key.Encrypt(5)], [1L, 2L]));
        Assert.Contains("1 ciphertexts, 2 scalars", error.Message, StringComparison.Ordinal);
    }

    private BigInteger Signed(long value) => value < 0 ? fixture.PublicKey.Modulus + value : value;
}
