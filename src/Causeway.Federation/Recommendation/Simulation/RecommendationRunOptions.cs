using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Recommendation.Simulation;

/// <summary>A simulated federated recommendation run. Defaults are stated per property.</summary>
public sealed record RecommendationRunOptions
{
    /// <summary>The model. Required.</summary>
    public required RecommenderSpec Spec { get; init; }

    /// <summary>
    /// The parties' local plan; its <see cref="RecommendationPlan.Update"/> is set from <see cref="Aggregation"/>.
    /// Default one joint SGD epoch per round with Surprise's rates (γ 0.005, λ 0.02) and sparse updates.
    /// </summary>
    public RecommendationPlan Plan { get; init; } = new() { Epochs = 1 };

    /// <summary>How item updates are combined. Default <see cref="ItemAggregation.Mean"/>.</summary>
    public ItemAggregation Aggregation { get; init; } = ItemAggregation.Mean;

    /// <summary>
    /// The server optimizer that steps the item model with the aggregate: <see cref="StrategyKind.FedAvg"/> (server SGD),
    /// <see cref="StrategyKind.FedAvgM"/> (momentum 0.9), <see cref="StrategyKind.FedAdam"/>, <see cref="StrategyKind.FedYogi"/>
    /// or <see cref="StrategyKind.FedAdagrad"/> (β1 0.9, β2 0.99, τ 0.001). Default FedAvg.
    /// </summary>
    public StrategyKind Server { get; init; } = StrategyKind.FedAvg;

    /// <summary>The server learning rate η &gt; 0. Default 1 (FedAvg's w ← w + Δ).</summary>
    public float ServerLearningRate { get; init; } = 1f;

    /// <summary>The number of rounds (≥ 1). Default 20.</summary>
    public int Rounds { get; init; } = 20;

    /// <summary>The share of parties selected per round, in (0, 1]. Default 1 (every party, every round).</summary>
    public double Fraction { get; init; } = 1.0;

    /// <summary>The run seed: the initial model, the users' initial vectors, selection and the parties' round seeds derive from it. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// Evaluate RMSE/MAE at the parties (matrix factorisation) every this many rounds and after the last; 0 for none
    /// during the run. Default 0.
    /// </summary>
    public int EvaluateEveryRounds { get; init; }

    /// <summary>Parties training at once. Default <see cref="Environment.ProcessorCount"/>.</summary>
    public int? MaxParallelism { get; init; }

    /// <summary>How long a round waits for its parties. Default 5 minutes.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Asynchronous buffered aggregation (<see cref="Horizontal.Buffered.BufferedRoundEngine"/>: a round is one applied
    /// buffer of K item updates) instead of synchronous rounds; null for synchronous rounds. Default null.
    /// </summary>
    public Horizontal.Buffered.BufferedUpdates? Buffered { get; init; }

    /// <summary>The clock. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The server optimizer's factory, for <see cref="Strategy.CreateServerOptimizer"/>.</summary>
    internal Func<IServerOptimizer> ServerOptimizer()
    {
        var eta = ServerLearningRate;
        return Server switch
        {
            StrategyKind.FedAvg => () => new ServerSgd(eta),
            StrategyKind.FedAvgM => () => new ServerMomentum(eta),
            StrategyKind.FedAdam => () => new FedAdam(eta),
            StrategyKind.FedYogi => () => new FedYogi(eta),
            StrategyKind.FedAdagrad => () => new FedAdagrad(eta),
            _ => throw new ArgumentException($"{Server} is not a server optimizer for item models; use FedAvg, FedAvgM, FedAdam, FedYogi or FedAdagrad."),
        };
    }
}
