using System.Globalization;

namespace Causeway.Core.Data;

/// <summary>One column of a <see cref="DataSchema"/>.</summary>
/// <remarks>
/// Categories and class strings match a field exactly (ordinal); a field that matches none of them but reads as a
/// number also matches a category or class string that is the same number, so <c>"1.0"</c> matches <c>"1"</c>.
/// </remarks>
public sealed record ColumnSchema
{
    private readonly Dictionary<string, int> _exact;
    private readonly Dictionary<double, int> _numeric;

    internal ColumnSchema(
        string name,
        ColumnType type,
        IReadOnlyList<string> categories,
        UnknownCategoryPolicy unknown,
        IReadOnlyList<IReadOnlyList<string>> classes,
        bool regression,
        MissingPolicy missing)
    {
        Name = name;
        Type = type;
        Categories = categories;
        Unknown = unknown;
        Classes = classes;
        Regression = regression;
        Missing = missing;
        _exact = new Dictionary<string, int>(StringComparer.Ordinal);
        _numeric = [];
        var keys = type == ColumnType.Categorical
            ? categories.Select((c, i) => (c, i))
            : classes.SelectMany((strings, i) => strings.Select(s => (s, i)));
        foreach (var (text, index) in keys)
        {
            _exact[text] = index;
            if (TryParseNumber(text, out var number))
            {
                _numeric.TryAdd(number, index);
            }
        }
    }

    public string Name { get; }

    public ColumnType Type { get; }

    /// <summary>The category vocabulary of a categorical column, in one-hot order. Empty for other types.</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>What an unknown category does (categorical columns only).</summary>
    public UnknownCategoryPolicy Unknown { get; }

    /// <summary>For a classification label: element k lists the raw strings meaning class k. Empty otherwise.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Classes { get; }

    /// <summary>True for a label column holding a numeric regression target.</summary>
    public bool Regression { get; }

    /// <summary>The missing-value policy in force for this column (its own <c>"missing"</c> or the schema's).</summary>
    public MissingPolicy Missing { get; }

    /// <summary>The scaling, imputation and binning of a numeric column; <see cref="NumericOptions.Default"/> for other types.</summary>
    public NumericOptions Numeric { get; init; } = NumericOptions.Default;

    /// <summary>The tokenising and weighting of a text column; null for other types.</summary>
    public TextOptions? Text { get; init; }

    /// <summary>Finds the category (or class) index of a field; false when the value is not listed.</summary>
    public bool TryGetIndex(string value, out int index)
    {
        if (_exact.TryGetValue(value, out index))
        {
            return true;
        }

        if (_numeric.Count > 0 && TryParseNumber(value, out var number) && _numeric.TryGetValue(number, out index))
        {
            return true;
        }

        index = -1;
        return false;
    }

    internal static bool TryParseNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    public bool Equals(ColumnSchema? other) =>
        other is not null && Name == other.Name && Type == other.Type && Unknown == other.Unknown
        && Regression == other.Regression && Missing == other.Missing && Categories.SequenceEqual(other.Categories)
        && Numeric == other.Numeric && Equals(Text, other.Text)
        && Classes.Count == other.Classes.Count && Classes.Zip(other.Classes).All(p => p.First.SequenceEqual(p.Second));

    public override int GetHashCode() => HashCode.Combine(Name, Type, Categories.Count, Classes.Count, Regression, Missing);
}
