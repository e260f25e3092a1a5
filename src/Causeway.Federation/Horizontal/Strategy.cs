using Causeway.Core.Training;

namespace Causeway.Federation.Horizontal;

/// <summary>
/// A federated algorithm as a composition of small policies: who takes part, how updates are combined, how the
/// server applies them, and how the parties' training plan is adjusted. The round loop is not part of it
/// (<see cref="RoundEngine"/> runs rounds for every strategy).
/// </summary>
/// <param name="Kind">The preset this strategy was built from.</param>
/// <param name="Selector">Chooses the parties of each round.</param>
/// <param name="Aggregator">Combines one round's deltas; stateless between rounds.</param>
/// <param name="CreateServerOptimizer">
/// Makes a fresh server optimizer; called once per run, because adaptive optimizers keep state across rounds.
/// </param>
/// <param name="ConfigurePlan">Adjusts the user's training plan (FedSGD forces one full-batch epoch, FedProx sets mu).</param>
public sealed record Strategy(
    StrategyKind Kind,
    IClientSelector Selector,
    IAggregator Aggregator,
    Func<IServerOptimizer> CreateServerOptimizer,
    Func<TrainingPlan, TrainingPlan> ConfigurePlan)
{
    /// <summary>Builds the preset named by <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range for the chosen preset.</exception>
    public static Strategy Create(StrategyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var selector = new FractionSelector(options.Fraction, options.MinParties);
        ArgumentNullException.ThrowIfNull(options.Aggregation, nameof(options));
        var aggregator = options.Aggregation.CreateAggregator(options.Weighting);
        var eta = options.EffectiveServerLearningRate;
        float beta1 = options.Beta1, beta2 = options.Beta2, tau = options.Tau, momentum = options.ServerMomentum;
        Func<IServerOptimizer> server = options.Kind switch
        {
            StrategyKind.FedAvg or StrategyKind.FedSgd or StrategyKind.FedProx => () => new ServerSgd(eta),
            StrategyKind.FedAvgM => () => new ServerMomentum(eta, momentum),
            StrategyKind.FedAdam => () => new FedAdam(eta, beta1, beta2, tau),
            StrategyKind.FedYogi => () => new FedYogi(eta, beta1, beta2, tau),
            StrategyKind.FedAdagrad => () => new FedAdagrad(eta, beta1, beta2, tau),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "Unknown strategy."),
        };

        // Build one optimizer now so that bad hyper-parameters fail here, not in round 1.
        _ = server();
        var mu = options.ProximalMu;
        if (options.Kind == StrategyKind.FedProx && !(mu >= 0 && float.IsFinite(mu)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), mu, "FedProx's mu must be a non-negative finite number.");
        }

        Func<TrainingPlan, TrainingPlan> plan = options.Kind switch
        {
            StrategyKind.FedSgd => p => p with { Epochs = 1, BatchSize = 0, ProximalMu = 0 },
            StrategyKind.FedProx => p => p with { ProximalMu = mu },
            _ => p => p with { ProximalMu = 0 },
        };
        return new Strategy(options.Kind, selector, aggregator, server, plan);
    }
}
