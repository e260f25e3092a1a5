using System.Numerics;
using Causeway.Privacy.BigIntegers;

namespace Causeway.Privacy.Tests.BigIntegers;

public sealed class FixedBasePowerTableTests
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var backend in BigIntegerBackend.TryCreateGmp() is null ? ["managed"] : (string[])["managed", "gmp"])
        {
            data.Add(backend, 1, 64);
            data.Add(backend, 5, 301);
            data.Add(backend, 8, 1024);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Power_RandomExponents_EqualsBigIntegerModPow(string backendName, int window, int exponentBits)
    {
        var random = new Random(20261208 + window);
        var modulus = RandomOdd(random, 4096);
        var value = RandomBelow(random, modulus);
        var width = modulus.GetByteCount(isUnsigned: true);
        using var table = Backend(backendName).CreateFixedBasePowerTable(Bytes(value, width), exponentBits, window, Bytes(modulus, width));
        var largest = (BigInteger.One << exponentBits) - 1;
        BigInteger[] exponents = [BigInteger.Zero, BigInteger.One, largest, BigInteger.One << (exponentBits - 1), .. Enumerable.Range(0, 12).Select(_ => RandomBelow(random, largest + 1))];
        var result = new byte[width];

        foreach (var exponent in exponents)
        {
            table.Power(exponent.IsZero ? [] : exponent.ToByteArray(isUnsigned: true, isBigEndian: true), result);

            Assert.Equal(BigInteger.ModPow(value, exponent, modulus), new BigInteger(result, isUnsigned: true, isBigEndian: true));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Power_LeadingZeroBytes_AreIgnored(string backendName, int window, int exponentBits)
    {
        var modulus = BigInteger.Parse("1000000000000000000000000000000000000000000000000000000007", System.Globalization.CultureInfo.InvariantCulture);
        var width = modulus.GetByteCount(isUnsigned: true);
        using var table = Backend(backendName).CreateFixedBasePowerTable(Bytes(3, width), exponentBits, window, Bytes(modulus, width));
        var result = new byte[width];

        table.Power([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 41], result);

        Assert.Equal(BigInteger.ModPow(3, 41, modulus), new BigInteger(result, isUnsigned: true, isBigEndian: true));
    }

    [Theory]
    [InlineData("managed")]
    [InlineData("gmp")]
    public void Power_ExponentLongerThanTable_IsRefused(string backendName)
    {
        if (backendName == "gmp" && BigIntegerBackend.TryCreateGmp() is null)
        {
            return;
        }

        using var table = Backend(backendName).CreateFixedBasePowerTable([5], 12, 4, [0x7F, 0xFF]);
        var result = new byte[2];
        table.Power([0x0F, 0xFF], result); // 12 bits: accepted

        Assert.Equal(BigInteger.ModPow(5, 0xFFF, 0x7FFF), new BigInteger(result, isUnsigned: true, isBigEndian: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Power([0x10, 0x00], result));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Power([0x01, 0x00, 0x00], result));
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

    private static BigInteger RandomBelow(Random random, BigInteger bound)
    {
        var bytes = new byte[bound.GetByteCount(isUnsigned: true) + 8];
        random.NextBytes(bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true) % bound;
    }

    private static byte[] Bytes(BigInteger value, int width)
    {
        var bytes = new byte[width];
        var raw = value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true);
        raw.CopyTo(bytes, width - raw.Length);
        return bytes;
    }
}
