using Causeway.Federation.Recommendation;

namespace Causeway.Federation.Configuration;

/// <summary>
/// The <c>"recommendation"</c> section: a federated recommendation run over the network instead of a model on a
/// table. The parties serve ratings (<c>causeway party --ratings FILE</c>); the item model is the federated
/// parameter set and each user's vector stays at its party (docs/recommendation.md). The server optimizer is the
/// <c>"strategy"</c> section's (fedavg is server SGD). Defaults are stated per property.
/// </summary>
public sealed record RecommendationConfig
{
    /// <summary>The model: <c>"matrixfactorization"</c> (explicit ratings) or <c>"bpr"</c> (top-K). Default matrix factorisation.</summary>
    public RecommenderKind Model { get; init; } = RecommenderKind.MatrixFactorization;

    /// <summary>The rank k (factors per user and item), at least 1. Default 32.</summary>
    public int Factors { get; init; } = 32;

    /// <summary>How item updates are combined: <c>"mean"</c>, <c>"weightedmean"</c> or <c>"gradientsum"</c>. Default gradient sum.</summary>
    public ItemAggregation Aggregation { get; init; } = ItemAggregation.GradientSum;

    /// <summary>Joint SGD passes per round at a party (delta modes), at least 1. Default 1.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Passes that fit only the users' vectors before the item work, 0 or more. Default 1.</summary>
    public int UserEpochs { get; init; } = 1;

    /// <summary>The parties' SGD step size γ &gt; 0. Default 0.005 (Surprise).</summary>
    public float LearningRate { get; init; } = 0.005f;

    /// <summary>The L2 regularisation λ ≥ 0. Default 0.02 (Surprise).</summary>
    public float Regularization { get; init; } = 0.02f;

    /// <summary>The standard deviation factors start from, ≥ 0. Default 0.1 (Surprise).</summary>
    public float InitStandardDeviation { get; init; } = 0.1f;

    /// <summary>Send the whole catalogue (zeros outside the rated items) instead of the rated rows only. Default false (sparse).</summary>
    public bool Dense { get; init; }

    /// <summary>The model before the catalogue and the rating statistics are agreed (they are set at run start).</summary>
    public RecommenderSpec ToSpec() => new()
    {
        Kind = Model,
        Items = 1,
        Factors = Factors,
        InitStandardDeviation = InitStandardDeviation,
    };

    /// <summary>The parties' plan, its update set from <see cref="Aggregation"/> (the gradient sum takes gradients).</summary>
    public RecommendationPlan ToPlan() => new()
    {
        Epochs = Epochs,
        UserEpochs = UserEpochs,
        LearningRate = LearningRate,
        Regularization = Regularization,
        Update = Aggregation == ItemAggregation.GradientSum ? ItemUpdate.Gradient : ItemUpdate.Delta,
        Form = Dense ? ItemUpdateForm.Dense : ItemUpdateForm.Sparse,
    };

    /// <summary>Checks the section's values; one message per problem, each naming its field.</summary>
    internal IEnumerable<string> Validate()
    {
        if (!Enum.IsDefined(Model))
        {
            yield return $"recommendation.model must be \"matrixfactorization\" or \"bpr\", got {Model}";
        }

        if (!Enum.IsDefined(Aggregation))
        {
            yield return $"recommendation.aggregation must be \"mean\", \"weightedmean\" or \"gradientsum\", got {Aggregation}";
        }

        if (Factors < 1)
        {
            yield return $"recommendation.factors must be at least 1, got {Factors}";
        }

        if (Epochs < 1)
        {
            yield return $"recommendation.epochs must be at least 1, got {Epochs}";
        }

        if (UserEpochs < 0)
        {
            yield return $"recommendation.userEpochs must be 0 or more, got {UserEpochs}";
        }

        if (!(LearningRate > 0) || !float.IsFinite(LearningRate))
        {
            yield return $"recommendation.learningRate must be a positive number, got {LearningRate}";
        }

        if (!(Regularization >= 0) || !float.IsFinite(Regularization))
        {
            yield return $"recommendation.regularization must be a non-negative number, got {Regularization}";
        }

        if (!(InitStandardDeviation >= 0) || !float.IsFinite(InitStandardDeviation))
        {
            yield return $"recommendation.initStandardDeviation must be a non-negative number, got {InitStandardDeviation}";
        }
    }
}
