namespace Causeway.Federation.Configuration;

/// <summary>The <c>"round"</c> section: when a round closes.</summary>
public sealed record RoundConfig
{
    /// <summary>Seconds a round waits for updates before the rest count as stragglers (&gt; 0). Default 300.</summary>
    public double DeadlineSeconds { get; init; } = 300;

    /// <summary>The least number of accepted updates for a round to change the model (≥ 1). Default 1.</summary>
    public int MinResults { get; init; } = 1;
}
