using System.Security.Cryptography;
using Causeway.Privacy.Psi;

namespace Causeway.Privacy.Tests.Psi;

public sealed class EcdhPsiCipherTests
{
    private static readonly byte[] Salt = Enumerable.Range(1, EcdhPsiCipher.SaltBytes).Select(i => (byte)i).ToArray();

    [Fact]
    public void Encrypt_TwoKeysInEitherOrder_GiveTheSameDoubleEncryption()
    {
        // Arrange
        using var keyA = PsiKey.Generate();
        using var keyB = PsiKey.Generate();
        using var a = new EcdhPsiCipher(keyA, Salt, degreeOfParallelism: 2);
        using var b = new EcdhPsiCipher(keyB, Salt, degreeOfParallelism: 2);
        var ids = Enumerable.Range(0, 600).Select(i => $"customer-{i}").ToArray();
        var byA = new byte[ids.Length * EcdhPsiCipher.PointBytes];
        var byB = new byte[ids.Length * EcdhPsiCipher.PointBytes];
        var ab = new byte[byA.Length];
        var ba = new byte[byA.Length];
        var abTags = new byte[ids.Length * EcdhPsiCipher.TagBytes];

        // Act
        a.HashAndEncrypt(ids, byA);
        b.HashAndEncrypt(ids, byB);
        b.Encrypt(byA, ab);
        a.Encrypt(byB, ba);
        b.EncryptToTags(byA, abTags);

        // Assert: equal double encryptions, different single ones, tags are x's first 16 bytes.
        Assert.Equal(ab, ba);
        Assert.NotEqual(byA, byB);
        for (var i = 0; i < ids.Length; i++)
        {
            Assert.Equal(ab.AsSpan(i * EcdhPsiCipher.PointBytes + 1, 16).ToArray(), abTags.AsSpan(i * 16, 16).ToArray());
        }

        Assert.Equal(ids.Length, Enumerable.Range(0, ids.Length).Select(i => Convert.ToHexString(ab, i * EcdhPsiCipher.PointBytes, EcdhPsiCipher.PointBytes)).Distinct().Count());
    }

    [Fact]
    public void HashAndEncrypt_DifferentSessionSalts_GiveUnrelatedPoints()
    {
        // Arrange
        using var key = PsiKey.Generate();
        var otherSalt = (byte[])Salt.Clone();
        otherSalt[0] ^= 1;
        using var first = new EcdhPsiCipher(key, Salt, degreeOfParallelism: 1);
        using var second = new EcdhPsiCipher(key, otherSalt, degreeOfParallelism: 1);
        var x = new byte[EcdhPsiCipher.PointBytes];
        var y = new byte[EcdhPsiCipher.PointBytes];

        // Act
        first.HashAndEncrypt(["alice"], x);
        second.HashAndEncrypt(["alice"], y);

        // Assert
        Assert.NotEqual(x, y);
    }

    [Theory]
    [InlineData(0, 0x02)]  // a compressed-point prefix
    [InlineData(0, 0x05)]  // no SEC 1 prefix
    [InlineData(64, 0x01)] // y changed: (x, y) is off the curve
    [InlineData(1, 0xff)]  // x changed: off the curve
    public void Encrypt_PointNotOnTheCurve_IsRefusedWithItsIndex(int offset, byte xor)
    {
        // Arrange: three valid points, the second one damaged.
        using var key = PsiKey.Generate();
        using var cipher = new EcdhPsiCipher(key, Salt, degreeOfParallelism: 1);
        var points = new byte[3 * EcdhPsiCipher.PointBytes];
        cipher.HashAndEncrypt(["bob", "carol", "dave"], points);
        points[EcdhPsiCipher.PointBytes + offset] ^= offset == 0 ? (byte)(0x04 ^ xor) : xor;

        // Act
        var error = Assert.Throws<InvalidPeerPointException>(() => cipher.Encrypt(points, new byte[points.Length]));

        // Assert
        Assert.Equal(1, error.Index);
        Assert.Equal("Point 1 of the batch is not an uncompressed point on P-256.", error.Message);
    }

    [Fact]
    public void EncryptToTags_BadPointInALargeParallelBatch_IsRefusedAsThePeersFault()
    {
        // Arrange: 2,000 points split across threads; 1,500 is damaged.
        using var key = PsiKey.Generate();
        using var cipher = new EcdhPsiCipher(key, Salt, degreeOfParallelism: 2);
        var ids = Enumerable.Range(0, 2000).Select(i => $"row-{i}").ToArray();
        var points = new byte[ids.Length * EcdhPsiCipher.PointBytes];
        cipher.HashAndEncrypt(ids, points);
        points[1500 * EcdhPsiCipher.PointBytes + 64] ^= 1;

        // Act
        var error = Assert.Throws<InvalidPeerPointException>(() => cipher.EncryptToTags(points, new byte[ids.Length * EcdhPsiCipher.TagBytes]));

        // Assert
        Assert.Equal(1500, error.Index);
    }

    [Theory]
    [InlineData(new byte[] { 0 })]
    [InlineData(new byte[] { 4, 1, 2 })]
    public void EncryptToTags_MalformedBatchLength_IsRefused(byte[] batch)
    {
        using var key = PsiKey.Generate();
        using var cipher = new EcdhPsiCipher(key, Salt, degreeOfParallelism: 1);

        var error = Assert.Throws<InvalidPeerPointException>(() => cipher.EncryptToTags(batch, new byte[16]));

        Assert.Equal(-1, error.Index);
    }

    [Fact]
    public void MeasureMultiplications_ShortRun_CountsWholeBursts()
    {
        using var key = PsiKey.Generate();
        using var cipher = new EcdhPsiCipher(key, Salt, degreeOfParallelism: 1);

        var count = cipher.MeasureMultiplications(TimeSpan.FromMilliseconds(50));

        Assert.True(count >= 64);
        Assert.Equal(0, count % 64);
    }

    [Fact]
    public void PsiKey_RoundTripAndOutOfRange_AreHandled()
    {
        using var key = PsiKey.Generate();
        var bytes = new byte[PsiKey.Bytes];
        key.CopyTo(bytes);
        using var again = PsiKey.FromBytes(bytes);
        var exported = new byte[PsiKey.Bytes];
        again.CopyTo(exported);

        Assert.Equal(bytes, exported);
        Assert.Throws<ArgumentException>(() => PsiKey.FromBytes(new byte[PsiKey.Bytes]));
        Assert.Throws<ArgumentException>(() => PsiKey.FromBytes(Enumerable.Repeat((byte)0xff, PsiKey.Bytes).ToArray()));
        Assert.False(CryptographicOperations.FixedTimeEquals(bytes, new byte[PsiKey.Bytes]));
    }
}
