using System.Security.Cryptography;
using Causeway.Privacy.Psi;

namespace Causeway.Federation.Vertical.Alignment;

/// <summary>What the parties of one PSI session agree on before it starts (all must use equal settings).</summary>
/// <param name="SessionSalt">
/// <see cref="EcdhPsiCipher.SaltBytes"/> random bytes mixed into every ID's hash, so points of different sessions cannot
/// be linked; from <see cref="NewSalt"/> (the coordinator draws it and sends it to every party).
/// </param>
/// <param name="Mode">Who learns the intersection.</param>
/// <param name="BatchSize">IDs per batch message (default 65,536: 2.1 MB of points). The last batch may be shorter.</param>
/// <param name="IdOptions">ID normalisation; default trim + NFC, no case folding.</param>
public sealed record AlignmentSettings(byte[] SessionSalt, AlignmentMode Mode, int BatchSize = AlignmentSettings.DefaultBatchSize, PsiIdOptions? IdOptions = null)
{
    /// <summary>IDs per batch unless stated.</summary>
    public const int DefaultBatchSize = 65_536;

    /// <summary>A fresh session salt from <see cref="RandomNumberGenerator"/>.</summary>
    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(EcdhPsiCipher.SaltBytes);

    /// <summary>The normalisation options in effect.</summary>
    public PsiIdOptions Ids => IdOptions ?? PsiIdOptions.Default;

    /// <summary>Throws when the settings cannot run.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(SessionSalt);
        if (SessionSalt.Length != EcdhPsiCipher.SaltBytes)
        {
            throw new ArgumentException($"The session salt must be {EcdhPsiCipher.SaltBytes} bytes, not {SessionSalt.Length}.", nameof(SessionSalt));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BatchSize, 1 << 22, nameof(BatchSize));
    }
}
