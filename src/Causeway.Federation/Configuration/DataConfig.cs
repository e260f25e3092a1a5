namespace Causeway.Federation.Configuration;

/// <summary>The <c>"data"</c> section: file paths, kept as strings (this project does no file I/O).</summary>
public sealed record DataConfig
{
    /// <summary>The schema file (required).</summary>
    public string? Schema { get; init; }

    /// <summary>The training table (required).</summary>
    public string? Train { get; init; }

    /// <summary>The test table used to evaluate the global model (optional).</summary>
    public string? Test { get; init; }

    /// <summary>
    /// Instead of <see cref="Test"/>: the share of <see cref="Train"/>'s rows held out to evaluate on, in (0, 1), drawn with
    /// the run's seed and stratified by class (<c>"testFraction"</c>). The feature statistics come from the rest. Default
    /// null: no split.
    /// </summary>
    public double? TestFraction { get; init; }
}
