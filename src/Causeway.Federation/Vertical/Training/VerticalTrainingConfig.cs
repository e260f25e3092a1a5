namespace Causeway.Federation.Vertical.Training;

/// <summary>Training settings of a vertical simulation.</summary>
public sealed record VerticalTrainingConfig
{
    /// <summary>Epochs. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Rows per batch. Default 256.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Learning rate. Default 0.15.</summary>
    public double LearningRate { get; init; } = 0.15;

    /// <summary>L2 penalty. Default 0.</summary>
    public double L2 { get; init; }
}
