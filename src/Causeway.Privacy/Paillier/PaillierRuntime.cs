using System.Security.Cryptography;
using Causeway.Privacy.BigIntegers;

namespace Causeway.Privacy.Paillier;

/// <summary>Which big-integer backend Paillier runs on in this process, and a probe of its raw exponentiation speed.</summary>
public static class PaillierRuntime
{
    /// <summary><c>"gmp"</c> when <c>libgmp.so.10</c> loaded at start-up, otherwise <c>"managed"</c> (<see cref="System.Numerics.BigInteger"/>, 9–13x slower).</summary>
    public static string Backend => BigIntegerBackend.Default.Name;

    /// <summary>
    /// Counts modular exponentiations with random operands (a <paramref name="modulusBits"/>-bit odd modulus, an
    /// <paramref name="exponentBits"/>-bit exponent) on the default backend, operands converted once: the raw rate
    /// that Paillier encryption (one r^n mod n²: 4096-bit modulus, 2048-bit exponent for a 2048-bit key) is bounded by.
    /// </summary>
    /// <returns>The number of exponentiations completed and the seconds they took (at least <paramref name="duration"/>, at least one).</returns>
    public static (long Count, double Seconds) MeasureModPow(int modulusBits, int exponentBits, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(modulusBits, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(exponentBits, 2);
        var modulus = RandomNumberGenerator.GetBytes((modulusBits + 7) / 8);
        var exponent = RandomNumberGenerator.GetBytes((exponentBits + 7) / 8);
        var value = RandomNumberGenerator.GetBytes(modulus.Length);
        modulus[0] |= 0x80;
        modulus[^1] |= 1;
        exponent[0] |= 0x80;
        value[0] &= 0x7F;
        using var kernel = BigIntegerBackend.Default.CreateModPowKernel(value, exponent, modulus);
        var count = 0L;
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        TimeSpan elapsed;
        do
        {
            kernel.Compute();
            count++;
            elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(start);
        }
        while (elapsed < duration);
        return (count, elapsed.TotalSeconds);
    }
}
