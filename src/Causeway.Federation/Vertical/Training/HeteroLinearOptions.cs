namespace Causeway.Federation.Vertical.Training;

/// <summary>Training settings every role of a vertical linear model shares (they must agree, like a run setup).</summary>
public sealed record HeteroLinearOptions
{
    /// <summary>The loss; <see cref="VerticalLoss.TaylorLogistic"/> by default.</summary>
    public VerticalLoss Loss { get; init; } = VerticalLoss.TaylorLogistic;

    /// <summary>Who holds the Paillier key, if anyone. <see cref="VerticalEncryption.Arbiter"/> by default.</summary>
    public VerticalEncryption Encryption { get; init; } = VerticalEncryption.Arbiter;

    /// <summary>Passes over the aligned rows. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Rows per mini-batch (the last batch of an epoch may be smaller). Default 256.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Step size of mini-batch gradient descent. Default 0.15 (FATE's Hetero-LR default).</summary>
    public double LearningRate { get; init; } = 0.15;

    /// <summary>L2 penalty λ/2·‖w‖² on every weight but the guest's intercept. Default 0.</summary>
    public double L2 { get; init; }

    /// <summary>Seed of the batch order (public: every role derives the same batches from it). Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Throws when a setting is out of range or the loss cannot be computed under the encryption.</summary>
    /// <exception cref="ArgumentException">The message names the setting.</exception>
    public void Validate()
    {
        if (Epochs < 1 || BatchSize < 1 || !(LearningRate > 0) || !double.IsFinite(LearningRate) || L2 < 0 || !double.IsFinite(L2))
        {
            throw new ArgumentException($"Vertical training needs epochs ≥ 1, batchSize ≥ 1, a finite learningRate > 0 and l2 ≥ 0 (got {Epochs}, {BatchSize}, {LearningRate}, {L2}).");
        }

        if (Loss == VerticalLoss.Logistic && Encryption == VerticalEncryption.Arbiter)
        {
            throw new ArgumentException("The exact logistic loss needs the score in the clear at the guest; with an arbiter use the Taylor-approximated logistic loss.");
        }
    }
}
