namespace Causeway.Federation.Vertical.Training;

/// <summary>The data files of a vertical simulation.</summary>
public sealed record VerticalDataConfig
{
    /// <summary>The schema file.</summary>
    public string Schema { get; init; } = string.Empty;

    /// <summary>The table to train on (and split, without <see cref="Test"/>).</summary>
    public string Train { get; init; } = string.Empty;

    /// <summary>A held-out table, or null to hold out <see cref="TestFraction"/> of <see cref="Train"/>.</summary>
    public string? Test { get; init; }

    /// <summary>The fraction held out when there is no test file. Default 0.3.</summary>
    public double TestFraction { get; init; } = 0.3;
}
