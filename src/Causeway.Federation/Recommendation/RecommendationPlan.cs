namespace Causeway.Federation.Recommendation;

/// <summary>
/// How a party (or the centralised reference) trains in one round. Defaults are Surprise's SVD (learning rate 0.005,
/// regularisation 0.02, 20 epochs) for the centralised reference; a federated round usually runs one epoch.
/// </summary>
/// <remarks>
/// <para>
/// A round at a party: <see cref="UserEpochs"/> passes over its ratings that fit only its users' vectors and biases
/// with the items fixed at the global model, then the item work. With <see cref="ItemUpdate.Delta"/> that is
/// <see cref="Epochs"/> passes of SGD on users and items together, and the update is the item rows' change; with
/// <see cref="ItemUpdate.Gradient"/> it is the negative gradient of the local loss at the global items (Epochs unused).
/// </para>
/// <para>
/// Matrix factorisation visits the local ratings in a fresh random order every pass; BPR draws as many
/// (user, positive, negative) triples per pass as the party has ratings. Over the network this plan is part of the
/// run's setup, agreed once; in simulation every party is built with it.
/// </para>
/// </remarks>
public sealed record RecommendationPlan
{
    /// <summary>Joint SGD passes over the local ratings per round (delta updates). Default 20.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Passes that fit only the user side, items fixed, before the item work. Default 0.</summary>
    public int UserEpochs { get; init; }

    /// <summary>The SGD step size γ. Default 0.005.</summary>
    public float LearningRate { get; init; } = 0.005f;

    /// <summary>The L2 regularisation λ, applied per rating to every parameter the rating touches. Default 0.02.</summary>
    public float Regularization { get; init; } = 0.02f;

    /// <summary>What the party sends: a delta or a negative gradient. Default <see cref="ItemUpdate.Delta"/>.</summary>
    public ItemUpdate Update { get; init; } = ItemUpdate.Delta;

    /// <summary>The update's shape on the wire. Default <see cref="ItemUpdateForm.Sparse"/>.</summary>
    public ItemUpdateForm Form { get; init; } = ItemUpdateForm.Sparse;

    /// <summary>
    /// The form the parties must send in a run: dense under user-level DP (clipping and noise act on the whole
    /// catalogue); under a protection, counted for the means (the coordinator divides the unmasked row sums by the
    /// unmasked counts per item) and dense for the gradient sum; otherwise <paramref name="requested"/>. One rule for
    /// simulations and network runs.
    /// </summary>
    public static ItemUpdateForm FormFor(ItemAggregation aggregation, ItemUpdateForm requested, bool isProtected, bool isPrivate) =>
        isPrivate ? ItemUpdateForm.Dense
        : !isProtected ? requested
        : aggregation == ItemAggregation.GradientSum ? ItemUpdateForm.Dense
        : ItemUpdateForm.Counted;

    /// <summary>Throws with a message naming the field when a value is out of range.</summary>
    public void Validate()
    {
        if (Epochs < 1)
        {
            throw new ArgumentException($"epochs must be at least 1, got {Epochs}.");
        }

        if (UserEpochs < 0)
        {
            throw new ArgumentException($"user epochs must be 0 or more, got {UserEpochs}.");
        }

        if (!(LearningRate > 0) || !float.IsFinite(LearningRate))
        {
            throw new ArgumentException($"the learning rate must be a positive finite number, got {LearningRate}.");
        }

        if (!(Regularization >= 0) || !float.IsFinite(Regularization))
        {
            throw new ArgumentException($"the regularisation must be a non-negative finite number, got {Regularization}.");
        }

        if (!Enum.IsDefined(Update) || !Enum.IsDefined(Form))
        {
            throw new ArgumentException($"unknown update {Update} or form {Form}.");
        }
    }
}
