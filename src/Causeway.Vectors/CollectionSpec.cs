using System.Text.RegularExpressions;

namespace Causeway.Vectors;

/// <summary>A collection's fixed shape: its name, the vectors' dimension and the metric. Chosen at creation, never changed.</summary>
/// <param name="Name">1 to 64 characters: letters, digits, <c>_</c> and <c>-</c>, starting with a letter or digit (it names a folder).</param>
/// <param name="Dimension">Values per vector, 1 to 65,536.</param>
/// <param name="Metric">How closeness is measured.</param>
public sealed partial record CollectionSpec(string Name, int Dimension, VectorMetric Metric)
{
    /// <summary>The largest dimension a collection takes.</summary>
    public const int MaxDimension = 65_536;

    /// <summary>Why this spec cannot make a collection, or null.</summary>
    public string? DescribeProblem() =>
        Name is null || !NamePattern().IsMatch(Name) ? $"collection name '{Name}' must be 1 to 64 letters, digits, '_' or '-', starting with a letter or digit"
        : Dimension is < 1 or > MaxDimension ? $"collection '{Name}': dimension must be 1 to {MaxDimension}, got {Dimension}"
        : !Enum.IsDefined(Metric) ? $"collection '{Name}': unknown metric {Metric}"
        : null;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex NamePattern();
}
