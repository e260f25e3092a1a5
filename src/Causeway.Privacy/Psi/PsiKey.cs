using System.Numerics;
using System.Security.Cryptography;

namespace Causeway.Privacy.Psi;

/// <summary>
/// A party's secret ECDH-PSI scalar k ∈ [1, n − 1] for P-256 (n the group order). Encryption of a point is k·P; two keys
/// commute: a·(b·H) = b·(a·H). Exported only so the caller can persist it with the session's progress (resume); the
/// bytes are zeroed on <see cref="Dispose"/>.
/// </summary>
public sealed class PsiKey : IDisposable
{
    /// <summary>Bytes of an exported key (big-endian scalar).</summary>
    public const int Bytes = 32;

    private readonly byte[] _scalar;

    private PsiKey(byte[] scalar) => _scalar = scalar;

    /// <summary>A fresh key from <see cref="RandomNumberGenerator"/> (rejection sampling: uniform on [1, n − 1]).</summary>
    public static PsiKey Generate()
    {
        var bytes = new byte[Bytes];
        do
        {
            RandomNumberGenerator.Fill(bytes);
        }
        while (!IsValid(bytes));
        return new PsiKey(bytes);
    }

    /// <summary>A key exported by <see cref="CopyTo"/>; refuses 0 and values ≥ n.</summary>
    public static PsiKey FromBytes(ReadOnlySpan<byte> scalar)
    {
        if (scalar.Length != Bytes || !IsValid(scalar))
        {
            throw new ArgumentException($"A PSI key is a {Bytes}-byte big-endian scalar in [1, n-1] of P-256.", nameof(scalar));
        }

        return new PsiKey(scalar.ToArray());
    }

    /// <summary>Writes the 32-byte scalar (a secret: persist it only in the party's own state file).</summary>
    public void CopyTo(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_scalar.Length == 0 || IsCleared, this);
        _scalar.CopyTo(destination);
    }

    internal ReadOnlySpan<byte> Scalar => _scalar;

    private bool IsCleared => !_scalar.AsSpan().ContainsAnyExcept((byte)0);

    public void Dispose() => CryptographicOperations.ZeroMemory(_scalar);

    private static bool IsValid(ReadOnlySpan<byte> scalar)
    {
        var value = new BigInteger(scalar, isUnsigned: true, isBigEndian: true);
        return !value.IsZero && value < P256Group.Order;
    }
}
