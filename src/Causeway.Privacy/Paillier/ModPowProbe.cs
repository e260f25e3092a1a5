using System.Security.Cryptography;
using Causeway.Privacy.BigIntegers;

namespace Causeway.Privacy.Paillier;

/// <summary>
/// One modular exponentiation with random operands (an odd modulus of <c>modulusBits</c>, an exponent of
/// <c>exponentBits</c>) prepared on the default backend, operands converted once: <see cref="Compute"/> is the raw
/// rate Paillier encryption is bounded by (r^n mod n²: a 4096-bit modulus and a 2048-bit exponent for a 2048-bit key).
/// </summary>
public sealed class ModPowProbe : IDisposable
{
    private readonly IModPowKernel _kernel;

    public ModPowProbe(int modulusBits, int exponentBits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(modulusBits, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(exponentBits, 2);
        var modulus = RandomBits(modulusBits);
        var exponent = RandomBits(exponentBits);
        var value = RandomNumberGenerator.GetBytes(modulus.Length);
        modulus[^1] |= 1;
        value[0] = 0; // below the modulus
        _kernel = BigIntegerBackend.Default.CreateModPowKernel(value, exponent, modulus);
    }

    /// <summary><c>"gmp"</c> or <c>"managed"</c>.</summary>
    public string Backend => BigIntegerBackend.Default.Name;

    /// <summary>Computes value^exponent mod modulus once (the result is kept inside and not returned).</summary>
    public void Compute() => _kernel.Compute();

    public void Dispose() => _kernel.Dispose();

    /// <summary>A random number of exactly <paramref name="bits"/> bits (top bit set).</summary>
    private static byte[] RandomBits(int bits)
    {
        var bytes = RandomNumberGenerator.GetBytes((bits + 7) / 8);
        var excess = (8 * bytes.Length) - bits;
        bytes[0] &= (byte)(0xFF >> excess);
        bytes[0] |= (byte)(0x80 >> excess);
        return bytes;
    }
}
