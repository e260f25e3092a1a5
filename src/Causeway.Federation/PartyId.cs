namespace Causeway.Federation;

/// <summary>
/// The identity of a party within one federation, e.g. "hospital-cleveland" or "hôpital-lyon": 1 to
/// <see cref="MaxLength"/> UTF-16 code units, none of them white space, a control character, an invisible formatting
/// character (Unicode category Cf, such as a bidirectional override) or half of a broken surrogate pair. It names log
/// files, certificates and dashboard rows, so nothing that could hide or reshape text is allowed.
/// </summary>
public readonly record struct PartyId
{
    /// <summary>The longest party id, in UTF-16 code units.</summary>
    public const int MaxLength = 128;

    /// <summary>The rule in words, for error messages and docs.</summary>
    public const string Rule = "1 to 128 characters without spaces, control characters or invisible formatting characters";

    public PartyId(string value)
    {
        if (!IsValid(value))
        {
            throw new ArgumentException($"A party id is {Rule}.", nameof(value));
        }

        Value = value;
    }

    public string Value { get; }

    /// <summary>True when <paramref name="value"/> may be a party id.</summary>
    public static bool IsValid(string? value)
    {
        if (value is not { Length: > 0 and <= MaxLength })
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c) || char.IsWhiteSpace(c) || char.IsControl(c)
                || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format)
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Value;
}
