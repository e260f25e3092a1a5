using Causeway.Core.Training;
using Causeway.Federation.Horizontal.DifferentialPrivacy;
using Causeway.Privacy.Mechanisms;
using Causeway.Federation.Horizontal.Protection;

namespace Causeway.Federation.Horizontal;

/// <summary>How a <see cref="RoundEngine"/> runs: the strategy, the plan, and the round rules. Defaults are stated per property.</summary>
public sealed record RoundEngineOptions
{
    public required Strategy Strategy { get; init; }

    /// <summary>The parties' training plan before the strategy adjusts it (<see cref="Strategy.ConfigurePlan"/>). Default: <see cref="TrainingPlan"/>'s defaults.</summary>
    public TrainingPlan Plan { get; init; } = new();

    /// <summary>The number of rounds in the run (≥ 1). Default 10.</summary>
    public int Rounds { get; init; } = 10;

    /// <summary>How long a round waits for updates before selected parties count as stragglers. Default 5 minutes.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The least number of accepted updates for a round to change the model (≥ 1). Default 1.</summary>
    public int MinResults { get; init; } = 1;

    /// <summary>
    /// The largest share of the run's rounds that may fail — close without changing the model: fewer than
    /// <see cref="MinResults"/> accepted updates, an aggregation rule that could not aggregate, no eligible party — in
    /// [0, 1]. The run fails as soon as more than ⌊MaxDegradedFraction × <see cref="Rounds"/>⌋ of its rounds have failed
    /// (the rounds before a resume count); 1 never fails a run for its failed rounds. Default 0.5.
    /// </summary>
    public double MaxDegradedFraction { get; init; } = 0.5;

    /// <summary>When a run has diverged (non-finite or exploding training loss, non-finite global model). Default: <see cref="DivergenceRule"/>'s defaults.</summary>
    public DivergenceRule Divergence { get; init; } = new();

    /// <summary>The run's seed: party selection and the parties' training seeds derive from it and the round number.</summary>
    public ulong Seed { get; init; }

    /// <summary>The run id written into every <see cref="RoundInfo"/>. Default "run".</summary>
    public string RunId { get; init; } = "run";

    /// <summary>
    /// Evaluate the global model after every this many rounds (rounds divisible by it), and always after the last
    /// round. 0 evaluates after the last round only. Default 1.
    /// </summary>
    public int EvaluateEveryRounds { get; init; } = 1;

    /// <summary>The order updates are folded in. Default <see cref="FoldOrder.Arrival"/>.</summary>
    public FoldOrder FoldOrder { get; init; } = FoldOrder.Arrival;

    /// <summary>
    /// Differential privacy (client-level DP-FedAvg, sample-level DP-SGD, accounting and budget); null for none. With
    /// client-level DP the strategy's aggregator must be the uniform mean (<see cref="AggregationWeighting.Uniform"/>).
    /// </summary>
    public PrivacyOptions? Privacy { get; init; }

    /// <summary>Makes the coordinator's DP noise source. Default <see cref="NoiseSource.Create"/>; a keyed source only in tests.</summary>
    public Func<NoiseSource>? NoiseSource { get; init; }

    /// <summary>
    /// How updates are hidden from the coordinator (secure aggregation, Paillier), or null for plain rounds. With a
    /// protection the round computes the (uniform or public-weighted) mean of the protected updates in place of the strategy's aggregator,
    /// and each of its protocol phases waits at most <see cref="Deadline"/>. Default null.
    /// </summary>
    public IUpdateProtection? Protection { get; init; }

    /// <summary>
    /// A party's client certificate (DER) as its connection presented it, or null: what an authenticated secure
    /// aggregation relays for the parties to check each other's signatures. Default: none known.
    /// </summary>
    public Func<PartyId, byte[]?>? PartyCertificates { get; init; }

    /// <summary>
    /// Asynchronous buffered aggregation (FedBuff) instead of synchronous rounds; null for synchronous rounds. Run it with
    /// <see cref="Buffered.BufferedRoundEngine"/> (<see cref="RunEngine.Create"/> picks the engine). Default null.
    /// </summary>
    public Buffered.BufferedUpdates? Buffered { get; init; }

    /// <summary>
    /// Periodic participation: the least time between the starts of two training tasks of one party, in both modes; a
    /// party asked sooner waits (a round selects among the parties that are due). Zero for no limit. Default zero.
    /// </summary>
    public TimeSpan MinTimeBetweenTasks { get; init; } = TimeSpan.Zero;

    /// <summary>The clock for deadlines and round durations. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
