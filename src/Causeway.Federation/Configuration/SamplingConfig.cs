namespace Causeway.Federation.Configuration;

/// <summary>The <c>"sampling"</c> section: which parties take part in each round.</summary>
public sealed record SamplingConfig
{
    /// <summary>The share of parties selected per round, in (0, 1]. Default 1.</summary>
    public double Fraction { get; init; } = 1.0;

    /// <summary>The least number of parties selected per round (≥ 1). Default 1.</summary>
    public int MinParties { get; init; } = 1;
}
