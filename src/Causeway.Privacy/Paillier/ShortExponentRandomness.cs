using System.Security.Cryptography;
using Causeway.Privacy.BigIntegers;

namespace Causeway.Privacy.Paillier;

/// <summary>
/// The Damgård–Jurik–Nielsen randomiser source of one public key (Damgård, Jurik, Nielsen, "A generalization of
/// Paillier's public-key system with applications to electronic voting", IJIS 9(6), 2010, §4.3): h = −x² mod n for a
/// random x ∈ Z*_n, h_s = h^n mod n², and each randomiser h_s^a mod n² = (h^a)^n mod n² for a fresh a of
/// <see cref="ExponentBits"/> = ⌈bits(n)/2⌉ bits, as the paper's and Intel's pailliercryptolib's choice of ⌈k/2⌉.
/// </summary>
/// <remarks>
/// h_s^a comes from a fixed-base table with <see cref="Window"/>-bit digits: ⌈(bits(n)/2)/8⌉ − 1 multiplications modulo
/// n² (127 at 2048 bits), against one 2048-bit exponentiation (about 3,000 multiplications) for r^n. The table holds
/// ⌈(bits(n)/2)/8⌉·255 values of n²'s width (16.7 MB at 2048 bits) and takes that many multiplications to build, once
/// per key object. x and h are drawn from <see cref="RandomNumberGenerator"/> and not kept (h_s alone is needed).
/// </remarks>
internal sealed class ShortExponentRandomness : IDisposable
{
    /// <summary>Bits per digit of the fixed-base table.</summary>
    public const int Window = 8;

    private readonly IFixedBasePowerTable _table;

    public ShortExponentRandomness(PaillierPublicKey key)
    {
        ExponentBits = (key.Bits + 1) / 2;
        var modulus = key.ModulusBytes;
        var modulusSquared = key.ModulusSquaredBytes;
        Span<byte> x = stackalloc byte[key.ModulusLength];
        Span<byte> h = stackalloc byte[key.ModulusLength];
        Span<byte> hs = stackalloc byte[key.CiphertextLength];
        try
        {
            key.DrawUnit(x);

            // h = n − (x² mod n) = −x² mod n, nonzero because x is a unit.
            key.Backend.ModMultiply(x, x, modulus, h);
            var hValue = key.N - ManagedBigIntegerBackend.Read(h);
            ManagedBigIntegerBackend.Write(hValue, h);
            key.Backend.ModPow(h, modulus, modulusSquared, hs);
            _table = key.Backend.CreateFixedBasePowerTable(hs, ExponentBits, Window, modulusSquared);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(x);
            CryptographicOperations.ZeroMemory(h);
            CryptographicOperations.ZeroMemory(hs);
        }
    }

    /// <summary>Bits of the random exponent a: ⌈bits(n)/2⌉.</summary>
    public int ExponentBits { get; }

    /// <summary>destination = h_s^a mod n² for a fresh uniform a ∈ [0, 2^<see cref="ExponentBits"/>).</summary>
    public void Next(Span<byte> destination)
    {
        Span<byte> a = stackalloc byte[(ExponentBits + 7) / 8];
        try
        {
            RandomNumberGenerator.Fill(a);
            a[0] &= (byte)(0xFF >> ((8 * a.Length) - ExponentBits));
            _table.Power(a, destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(a);
        }
    }

    public void Dispose() => _table.Dispose();
}
