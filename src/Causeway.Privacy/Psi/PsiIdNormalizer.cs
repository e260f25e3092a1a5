using System.Text;

namespace Causeway.Privacy.Psi;

/// <summary>
/// Normalises an ID the same way on every party: trim white space, Unicode NFC, optionally case fold, and refuse IDs that
/// are empty, longer than <see cref="PsiIdOptions.MaxUtf8Bytes"/> or not valid UTF-16 (a lone surrogate).
/// </summary>
public sealed class PsiIdNormalizer(PsiIdOptions options)
{
    /// <summary>The normalised form of <paramref name="id"/>, the ID at zero-based <paramref name="row"/>.</summary>
    /// <exception cref="InvalidPsiIdException">The ID is empty, too long or not valid UTF-16; the message names the row.</exception>
    public string Normalize(string? id, long row)
    {
        var trimmed = id?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw new InvalidPsiIdException(row, "empty");
        }

        if (Ascii.IsValid(trimmed) is var ascii && !ascii && HasLoneSurrogate(trimmed, out var position))
        {
            throw new InvalidPsiIdException(row, $"not valid UTF-16 (a lone surrogate at character {position})");
        }

        var normalized = ascii ? trimmed : IcuNfc.Normalize(trimmed);
        if (options.CaseFold)
        {
            normalized = normalized.ToLowerInvariant();
        }

        var bytes = ascii && !options.CaseFold ? normalized.Length : Encoding.UTF8.GetByteCount(normalized);

        if (bytes > options.MaxUtf8Bytes)
        {
            throw new InvalidPsiIdException(row, $"{bytes} UTF-8 bytes long (at most {options.MaxUtf8Bytes})");
        }

        return normalized;
    }

    private static bool HasLoneSurrogate(string text, out int position)
    {
        for (position = 0; position < text.Length; position++)
        {
            if (char.IsHighSurrogate(text[position]) && position + 1 < text.Length && char.IsLowSurrogate(text[position + 1]))
            {
                position++;
            }
            else if (char.IsSurrogate(text[position]))
            {
                return true;
            }
        }

        return false;
    }
}
