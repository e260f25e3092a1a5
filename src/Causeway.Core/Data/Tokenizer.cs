using System.Globalization;
using System.Text;

namespace Causeway.Core.Data;

/// <summary>
/// Splits text into lower-case word tokens the same way on every party and every platform.
/// </summary>
/// <remarks>
/// A token is a maximal run of letters, combining marks and digits (Unicode categories L*, M*, Nd), by code point, so
/// surrogate pairs are handled; an apostrophe (' or ’) between two such characters stays inside the token as ' ("don't",
/// "it’s" → "it's").
/// Everything else (spaces, punctuation, symbols, emoji) separates tokens. Tokens are lower-cased with the invariant
/// culture (full Unicode simple case mapping), and tokens in the stop-word set are dropped. The text is not
/// Unicode-normalised (Causeway runs with invariant globalization, where normalisation tables are absent): a combining
/// accent stays inside its word, but "e" + U+0301 and a precomposed "é" are different tokens, so parties should
/// supply NFC text, as nearly all text already is.
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

        var token = new StringBuilder();
        var pendingApostrophe = false;
        foreach (var rune in text.EnumerateRunes())
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
