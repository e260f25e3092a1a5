namespace Causeway.Privacy.BigIntegers;

/// <summary>The w-bit digits of an unsigned big-endian exponent, least significant first, for <see cref="IFixedBasePowerTable"/>.</summary>
internal static class FixedBaseDigits
{
    /// <summary>Digits per exponent: ⌈exponentBits / window⌉.</summary>
    public static int Count(int exponentBits, int window) => (exponentBits + window - 1) / window;

    /// <summary>Digit i: bits [w·i, w·i + w) of the exponent (bits beyond its length read as 0).</summary>
    public static int Digit(ReadOnlySpan<byte> bigEndian, int window, int index)
    {
        var digit = 0;
        var first = window * index;
        for (var b = window - 1; b >= 0; b--)
        {
            var bit = first + b;
            var byteIndex = bigEndian.Length - 1 - (bit >> 3);
            digit <<= 1;
            if (byteIndex >= 0)
            {
                digit |= (bigEndian[byteIndex] >> (bit & 7)) & 1;
            }
        }

        return digit;
    }

    /// <summary>Throws when the exponent has a set bit at or beyond <paramref name="exponentBits"/>.</summary>
    public static void ThrowIfTooLong(ReadOnlySpan<byte> bigEndian, int exponentBits)
    {
        var fullBytes = exponentBits >> 3;
        var excess = bigEndian.Length - fullBytes;
        if (excess <= 0)
        {
            return;
        }

        var partialBits = exponentBits & 7;
        var tooLong = bigEndian[..(excess - (partialBits > 0 ? 1 : 0))].ContainsAnyExcept((byte)0)
            || (partialBits > 0 && (bigEndian[excess - 1] >> partialBits) != 0);
        if (tooLong)
        {
            throw new ArgumentOutOfRangeException(nameof(bigEndian), $"The exponent is longer than the {exponentBits} bits the fixed-base table covers.");
        }
    }
}
