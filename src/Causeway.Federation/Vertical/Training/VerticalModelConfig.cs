namespace Causeway.Federation.Vertical.Training;

/// <summary>Which vertical model to train.</summary>
public sealed record VerticalModelConfig
{
    /// <summary>The model type. Default logistic.</summary>
    public VerticalModelType Type { get; init; } = VerticalModelType.Logistic;

    /// <summary>Split NN: hidden layer sizes of each party's bottom model. Default [16].</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [16];

    /// <summary>Split NN: the embedding width each bottom model outputs. Default 8.</summary>
    public int Embedding { get; init; } = 8;
}
