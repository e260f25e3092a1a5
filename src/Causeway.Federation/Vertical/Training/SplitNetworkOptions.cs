namespace Causeway.Federation.Vertical.Training;

/// <summary>Settings of a vertical split neural network.</summary>
public sealed record SplitNetworkOptions
{
    /// <summary>Hidden layer sizes of each party's bottom model (ReLU). Default [16].</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [16];

    /// <summary>The width of each party's embedding (the bottom model's linear output). Default 8.</summary>
    public int Embedding { get; init; } = 8;

    /// <summary>Hidden units of the guest's top model over the concatenated embeddings (ReLU). Default 16.</summary>
    public int TopHidden { get; init; } = 16;

    /// <summary>Epochs. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Rows per mini-batch. Default 256.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>SGD step size. Default 0.15.</summary>
    public double LearningRate { get; init; } = 0.15;

    /// <summary>Seed of the batch order and the initial weights. Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The largest layer width and the most hidden layers a split network may ask of a party.</summary>
    public const int MaxWidth = 4096;

    /// <summary>The most hidden layers of a bottom model.</summary>
    public const int MaxHiddenLayers = 8;

    /// <summary>Throws when a size or the learning rate is out of range.</summary>
    /// <exception cref="ArgumentException">The message names the settings.</exception>
    public void Validate()
    {
        static bool Width(int size) => size is >= 1 and <= MaxWidth;
        if (Epochs < 1 || BatchSize < 1 || !Width(Embedding) || !Width(TopHidden) || Hidden.Count > MaxHiddenLayers || !Hidden.All(Width)
            || !(LearningRate > 0) || !double.IsFinite(LearningRate))
        {
            throw new ArgumentException(
                $"A split network needs epochs and batchSize ≥ 1, embedding, topHidden and up to {MaxHiddenLayers} hidden sizes in [1, {MaxWidth}], and a finite learningRate > 0.");
        }
    }
}
