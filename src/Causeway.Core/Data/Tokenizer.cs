using System.Globalization;
using System.Text;

namespace Causeway.Core.Data;

/// <summary>
/// Splits text into lower-case word tokens the same way on every party and every platform.
/// </summary>
/// <remarks>
/// The text is first normalised to Unicode NFC (so a precomposed "é" and "e" + combining accent are one token). A
/// token is a maximal run of letters, combining marks and digits (Unicode categories L*, M*, Nd), by code point, so
/// surrogate pairs are handled; an apostrophe (' or ’) between two such characters stays inside the token ("don't").
/// Everything else (spaces, punctuation, symbols, emoji) separates tokens. Tokens are lower-cased with the invariant
/// culture, and tokens in the stop-word set are dropped.
/// </remarks>
public sealed class Tokenizer
{
    private readonly IReadOnlySet<string> _stopWords;

    /// <param name="stopWords">Lower-case tokens to drop, or null for none.</param>
    public Tokenizer(IReadOnlySet<string>? stopWords = null)
    {
        _stopWords = stopWords ?? new HashSet<string>();
    }

    /// <summary>A tokeniser without stop words.</summary>
    public static Tokenizer Plain { get; } = new();

    /// <summary>The tokens of <paramref name="text"/>, in order; none for null or empty text.</summary>
    public IReadOnlyList<string> Tokenize(string? text)
    {
        var tokens = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return tokens;
        }

        var normalized = text.Normalize(NormalizationForm.FormC);
        var token = new StringBuilder();
        var pendingApostrophe = false;
        foreach (var rune in normalized.EnumerateRunes())
        {
            if (IsWordRune(rune))
            {
                if (pendingApostrophe)
                {
                    token.Append('\'');
                    pendingApostrophe = false;
                }

                token.Append(rune.ToString());
            }
            else if (token.Length > 0 && !pendingApostrophe && rune.Value is '\'' or '\u2019')
            {
                pendingApostrophe = true;
            }
            else
            {
                Flush();
            }
        }

        Flush();
        return tokens;

        void Flush()
        {
            pendingApostrophe = false;
            if (token.Length == 0)
            {
                return;
            }

            var word = token.ToString().ToLowerInvariant();
            token.Clear();
            if (!_stopWords.Contains(word))
            {
                tokens.Add(word);
            }
        }
    }

    private static bool IsWordRune(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark
            or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark or UnicodeCategory.DecimalDigitNumber => true,
        _ => false,
    };
}
