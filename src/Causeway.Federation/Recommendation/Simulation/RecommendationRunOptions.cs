using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.DifferentialPrivacy;
using Causeway.Federation.Horizontal.Protection;

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

    /// <summary>
    /// Hides every party's update from the coordinator: <see cref="SecureAggregationProtection"/> (the coordinator learns
    /// the masked sum only) or <see cref="PaillierProtection"/> (FedMF: ciphertexts only, a key-holding party decrypts the
    /// sum). The parties then send the whole catalogue — counted for the means (<see cref="ItemUpdateForm.Counted"/>),
    /// dense for the gradient sum — whatever the plan's form. <see cref="ItemAggregation.WeightedMean"/> needs the
    /// protection's weight cap W (each party weighs its update by min(n_k, W)/W, n_k its training ratings); the other
    /// modes weigh parties uniformly and refuse one. Default null: plain rounds.
    /// </summary>
    public IUpdateProtection? Protection { get; init; }

    /// <summary>
    /// User-level differential privacy (client-level DP-FedAvg, McMahan et al. 2018) on the item updates: only
    /// <see cref="PrivacyOptions.Client"/> applies. Each party's dense update is clipped to an L2 norm S and the round
    /// releases the uniform mean over the m selected parties plus N(0, σ²S²/m²) per value, in place of the per-item
    /// aggregation (its per-item counts would be released without noise); the gradient sum therefore becomes a mean, so
    /// scale the server learning rate by m. The RDP accountant charges each round at q = m/N. Default null: no DP.
    /// </summary>
    public PrivacyOptions? Privacy { get; init; }

    /// <summary>Measure the CPU time of the parties' work apart from the coordinator's (<see cref="RecommendationSimulator.PartyCpuSeconds"/>). Default false.</summary>
    public bool MeasurePartyCpu { get; init; }

    /// <summary>The clock. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The form parties send: the plan's in plain rounds, dense under DP, counted (means) or dense (sum) under a protection.</summary>
    internal ItemUpdateForm EffectiveForm => RecommendationPlan.FormFor(Aggregation, Plan.Form, Protection is not null, Privacy is not null);

    /// <summary>Throws naming the option when protection, privacy and aggregation do not fit together.</summary>
    internal void ValidatePrivacy()
    {
        if (Protection is { } protection)
        {
            if (Aggregation == ItemAggregation.WeightedMean && protection.WeightCap is null)
            {
                throw new ArgumentException($"The weighted mean under {protection.Name} needs the protection's weight cap (parties weigh their update by min(ratings, cap)/cap).");
            }

            if (Aggregation != ItemAggregation.WeightedMean && Privacy is null && protection.WeightCap is not null)
            {
                throw new ArgumentException($"The {Aggregation} aggregation under {protection.Name} weighs parties uniformly; remove the protection's weight cap or use WeightedMean.");
            }
        }

        if (Privacy is { } privacy)
        {
            if (privacy.Client is null || privacy.Sample is not null)
            {
                throw new ArgumentException("Recommendation runs support user-level (client) differential privacy only: set privacy.client and leave privacy.sample unset.");
            }

            if (privacy.Validate(perRound: null) is { Count: > 0 } errors)
            {
                throw new ArgumentException($"Invalid privacy options: {string.Join("; ", errors)}.");
            }
        }
    }

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
