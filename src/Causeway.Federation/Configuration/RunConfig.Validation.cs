using Causeway.Core.Models;
using Causeway.Core.Training;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.DifferentialPrivacy;
using Causeway.Federation.Horizontal.Robust;

namespace Causeway.Federation.Configuration;

public sealed partial record RunConfig
{
    /// <summary>Checks every value; returns one message per problem, each naming its field, or an empty list.</summary>
    /// <param name="site">
    /// Where the run executes, which decides the rules that apply: a simulation from files needs <c>data.schema</c> and
    /// <c>data.train</c>; a network run has no <c>partition</c> (its parties are the ones connected when it starts), so
    /// the checks that need the number of parties per round are made then (<see cref="ValidateRoster"/>).
    /// </param>
    /// <remarks>Validation errors are data: a CLI prints them all at once rather than stopping at the first.</remarks>
    public IReadOnlyList<string> Validate(RunSite site = RunSite.SimulationFromFiles)
    {
        if (!Enum.IsDefined(site))
        {
            throw new ArgumentOutOfRangeException(nameof(site), site, "Unknown run site.");
        }

        var network = site == RunSite.Network;
        var requireDataPaths = site == RunSite.SimulationFromFiles;
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }

        Check(!string.IsNullOrWhiteSpace(Name), "name must not be empty");
        Check(Rounds >= 1, $"rounds must be at least 1, got {Rounds}");
        ValidateModel(Check);
        ValidateTraining(Check);
        ValidateStrategy(Check);
        ValidateSampling(Check, network);
        Check(Round.DeadlineSeconds > 0 && double.IsFinite(Round.DeadlineSeconds), $"round.deadlineSeconds must be a positive number, got {Round.DeadlineSeconds}");
        Check(Round.MinResults >= 1, $"round.minResults must be at least 1, got {Round.MinResults}");
        Check(Round.MaxDegradedFraction is >= 0 and <= 1, $"round.maxDegradedFraction must be in [0, 1], got {Round.MaxDegradedFraction}");
        Check(Round.DivergenceLossFactor > 1 && double.IsFinite(Round.DivergenceLossFactor), $"round.divergenceLossFactor must be a number above 1, got {Round.DivergenceLossFactor}");
        int? perRound = null;
        if (!network && Partition.Scheme != PartitionScheme.Column && Sampling.Fraction is > 0 and <= 1 && Sampling.MinParties >= 1)
        {
            perRound = PartiesPerRound(Partition.EffectiveParties);
            Check(Round.MinResults < 1 || Round.MinResults <= perRound, MinResultsTooHigh(perRound.Value, "sampled per round"));
        }

        errors.AddRange(Aggregation?.Validate(perRound) ?? []);
        errors.AddRange(Attack?.Validate() ?? []);
        errors.AddRange(Privacy?.Validate(perRound) ?? []);
        Check(
            Privacy?.Client is null || Aggregation is null || (Aggregation.Rule == AggregationRule.Mean && Aggregation.NormBound is null),
            "privacy.client (DP-FedAvg) needs the plain mean: remove the aggregation section (DP-FedAvg clips every update itself, and a robust rule's output has no bounded sensitivity)");
        errors.AddRange(Protection?.Validate(perRound, Aggregation) ?? []);
        Check(
            Privacy?.Client is not { } client || Protection is null or { Kind: ProtectionKind.None }
                || (client.Noise == NoisePlacement.Parties && client.AdaptiveClipping is null && Protection.WeightCap is null),
            "privacy.client (DP-FedAvg) with protection needs \"noise\": \"parties\" and a fixed clipNorm, and no protection.weightCap: the coordinator never holds a single update to clip or count, and DP-FedAvg weighs every update once");

        errors.AddRange(Updates.Validate(network || Partition.Scheme == PartitionScheme.Column ? null : Partition.EffectiveParties));
        if (Updates.Mode == UpdateMode.Async)
        {
            Check(
                Protection is null or { Kind: ProtectionKind.None },
                "updates.mode async cannot be protected (protection.kind): secure aggregation and Paillier need a fixed cohort that agrees on keys before it trains, and asynchronous parties train whenever they are free; use \"mode\": \"sync\"");
            Check(Privacy is null, "updates.mode async cannot be differentially private (privacy): the DP accounting assumes rounds of sampled parties; use \"mode\": \"sync\"");
        }

        Check(!requireDataPaths || !string.IsNullOrWhiteSpace(Data.Schema), "data.schema is required");
        Check(!requireDataPaths || !string.IsNullOrWhiteSpace(Data.Train), "data.train is required");
        Check(Data.Test is null || !string.IsNullOrWhiteSpace(Data.Test), "data.test must not be empty when given");
        Check(Data.TestFraction is null || Data.TestFraction is > 0 and < 1, $"data.testFraction must lie in (0, 1), e.g. 0.2, got {Data.TestFraction}");
        Check(Data.TestFraction is null || Data.Test is null, "data.test and data.testFraction are two ways to name the test rows: give one");
        if (network)
        {
            Check(Partition == new PartitionConfig(), "partition is for simulations only: a network run's parties are the ones connected when it starts (remove the partition section)");
        }
        else
        {
            ValidatePartition(Check);
        }

        if (Recommendation is { } recommendation)
        {
            errors.AddRange(recommendation.Validate());
            Check(network, "recommendation runs over the network only (`causeway run start` with ratings parties); simulate one with `./causeway bench recsys`");
            Check(Model == new ModelConfig(), "model is for horizontal runs: a recommendation run's model is recommendation.model (remove the model section)");
            Check(Training == new TrainingConfig(), "training is for horizontal runs: a recommendation run's local plan is in the recommendation section (epochs, userEpochs, learningRate, regularization)");
            Check(Data == new DataConfig(), "data is for horizontal runs: a recommendation run's parties serve their ratings files (causeway party --ratings FILE)");
            Check(Aggregation is null, "aggregation is for horizontal runs: a recommendation run combines item updates by recommendation.aggregation");
            Check(
                recommendation.Aggregation != Federation.Recommendation.ItemAggregation.GradientSum || Strategy.ServerLearningRate is not null,
                "strategy.serverLearningRate is required with recommendation.aggregation gradientsum: the summed gradient grows with the most rated item's rating count (0.005 suits MovieLens; docs/recommendation.md)");
            Check(
                Privacy is null || (Privacy.Client is not null && Privacy.Sample is null),
                "a recommendation run's differential privacy is user-level (privacy.client, DP-FedAvg on the item updates): remove privacy.sample");
            var weightCap = Protection is { Kind: not ProtectionKind.None } ? Protection.WeightCap : null;
            Check(
                Protection is null or { Kind: ProtectionKind.None } || Privacy is not null
                    || (recommendation.Aggregation == Federation.Recommendation.ItemAggregation.WeightedMean) == (weightCap is not null),
                recommendation.Aggregation == Federation.Recommendation.ItemAggregation.WeightedMean
                    ? "recommendation.aggregation weightedmean under protection needs protection.weightCap: each party weighs its update by min(ratings, cap)/cap, since the coordinator never sees one update's rating count"
                    : $"protection.weightCap goes with recommendation.aggregation weightedmean; the {Lower(recommendation.Aggregation)} aggregation under protection weighs parties uniformly (remove the weightCap)");
            Check(
                Strategy.Name is StrategyKind.FedAvg or StrategyKind.FedAvgM or StrategyKind.FedAdam or StrategyKind.FedYogi or StrategyKind.FedAdagrad,
                $"strategy.name {Lower(Strategy.Name)} is not a server optimizer for item models; use fedavg (server SGD), fedavgm, fedadam, fedyogi or fedadagrad");
        }

        Check(Evaluation.EveryRounds >= 0, $"evaluation.everyRounds must be 0 (last round only) or positive, got {Evaluation.EveryRounds}");
        return errors;
    }

    private void ValidateModel(Action<bool, string> check)
    {
        var mlp = Model.Type == ModelType.Mlp;
        check(mlp || Model.Hidden is null, $"model.hidden is only valid for mlp, not {Lower(Model.Type)}");
        check(mlp || Model.Dropout == 0, $"model.dropout is only valid for mlp, not {Lower(Model.Type)}");
        check(Model.Hidden is null || Model.Hidden.Count > 0, "model.hidden must list at least one layer width");
        check(Model.Hidden is null || Model.Hidden.All(w => w > 0), "model.hidden widths must be positive");
        check(Model.Dropout is >= 0 and < 1, $"model.dropout must be in [0, 1), got {Model.Dropout}");
        if (Model.Init is { } init)
        {
            try
            {
                var (spec, _) = ReadInit(init);
                check(spec.Hidden.SequenceEqual(Model.EffectiveHidden),
                    $"model.init is a {spec.DisplayName}, but the run's model has hidden layers [{string.Join(", ", Model.EffectiveHidden)}]");
            }
            catch (ArgumentException e)
            {
                check(false, e.Message);
            }
        }
    }

    private void ValidateTraining(Action<bool, string> check)
    {
        var t = Training;
        check(t.Epochs >= 1, $"training.epochs must be at least 1, got {t.Epochs}");
        check(t.BatchSize >= 0, $"training.batchSize must be 0 (full batch) or positive, got {t.BatchSize}");
        check(t.LearningRate > 0 && float.IsFinite(t.LearningRate), $"training.learningRate must be a positive number, got {t.LearningRate}");
        check(t.Momentum is >= 0 and < 1, $"training.momentum must be in [0, 1), got {t.Momentum}");
        check(t.Momentum == 0 || t.Optimizer == OptimizerKind.Sgd, "training.momentum is only valid for optimizer sgd");
        check(t.WeightDecay >= 0 && float.IsFinite(t.WeightDecay), $"training.weightDecay must be non-negative, got {t.WeightDecay}");
        if (t.FrozenLayers != 0 || t.PersonalLayers != 0)
        {
            var layers = Model.EffectiveHidden.Count + 1;
            check(LayerSharing.Problem(layers, t.FrozenLayers, t.PersonalLayers) is null,
                $"training.frozenLayers and training.personalLayers: {LayerSharing.Problem(layers, t.FrozenLayers, t.PersonalLayers)}");
            check(Privacy is null, "training.frozenLayers and training.personalLayers do not combine with privacy yet (its noise would reach the layers that are not shared)");
            check(Protection is null or { Kind: ProtectionKind.None }, "training.frozenLayers and training.personalLayers do not combine with protection yet (a protected update covers the whole model)");
        }
    }

    private void ValidateStrategy(Action<bool, string> check)
    {
        var s = Strategy;
        var name = Lower(s.Name);
        var adaptive = s.Name is StrategyKind.FedAdam or StrategyKind.FedYogi or StrategyKind.FedAdagrad;
        check(s.Mu is null || s.Name == StrategyKind.FedProx, $"strategy.mu is only valid for fedprox, not {name}");
        check(s.Mu is null || (s.Mu >= 0 && float.IsFinite(s.Mu.Value)), $"strategy.mu must be non-negative, got {s.Mu}");
        check(s.ServerLearningRate is null || (s.ServerLearningRate > 0 && float.IsFinite(s.ServerLearningRate.Value)), $"strategy.serverLearningRate must be positive, got {s.ServerLearningRate}");
        check(s.ServerMomentum is null || s.Name == StrategyKind.FedAvgM, $"strategy.serverMomentum is only valid for fedavgm, not {name}");
        check(s.ServerMomentum is null or (>= 0 and < 1), $"strategy.serverMomentum must be in [0, 1), got {s.ServerMomentum}");
        check(s.Beta1 is null || adaptive, $"strategy.beta1 is only valid for fedadam, fedyogi and fedadagrad, not {name}");
        check(s.Beta1 is null or (>= 0 and < 1), $"strategy.beta1 must be in [0, 1), got {s.Beta1}");
        check(s.Beta2 is null || s.Name is StrategyKind.FedAdam or StrategyKind.FedYogi, $"strategy.beta2 is only valid for fedadam and fedyogi, not {name}");
        check(s.Beta2 is null or (>= 0 and < 1), $"strategy.beta2 must be in [0, 1), got {s.Beta2}");
        check(s.Tau is null || adaptive, $"strategy.tau is only valid for fedadam, fedyogi and fedadagrad, not {name}");
        check(s.Tau is null || (s.Tau > 0 && float.IsFinite(s.Tau.Value)), $"strategy.tau must be positive, got {s.Tau}");
    }

    /// <summary>
    /// The checks a network run can make only once it knows its parties: the rounds must be able to sample
    /// <c>sampling.minParties</c> of them and receive <c>round.minResults</c> updates, and the rules that need a number of
    /// updates per round (robust aggregation, DP, protection) must have it.
    /// </summary>
    /// <param name="parties">The parties the run starts with (≥ 1).</param>
    /// <returns>One message per problem, or an empty list.</returns>
    public IReadOnlyList<string> ValidateRoster(int parties)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parties);
        var errors = new List<string>();
        if (Sampling.MinParties > parties)
        {
            errors.Add($"sampling.minParties ({Sampling.MinParties}) exceeds the {parties} connected parties");
            return errors;
        }

        var perRound = PartiesPerRound(parties);
        if (Round.MinResults > perRound)
        {
            errors.Add(MinResultsTooHigh(perRound, $"selected per round from the {parties} connected parties"));
        }

        errors.AddRange(Aggregation?.Validate(perRound) ?? []);
        errors.AddRange(Privacy?.Validate(perRound) ?? []);
        errors.AddRange(Protection?.Validate(perRound, Aggregation) ?? []);
        if (Updates.Mode == UpdateMode.Async && Updates.ToBufferedUpdates()!.BufferSize > parties)
        {
            errors.Add($"updates.bufferSize ({Updates.ToBufferedUpdates()!.BufferSize}) exceeds the {parties} connected parties: a buffer takes at most one update per party, so it could never fill");
        }

        return errors;
    }

    private int PartiesPerRound(int parties) => new FractionSelector(Sampling.Fraction, Sampling.MinParties).CountFor(parties);

    private string MinResultsTooHigh(int perRound, string where) =>
        $"round.minResults ({Round.MinResults}) exceeds the {perRound} parties {where}, so every round would fail";

    private void ValidateSampling(Action<bool, string> check, bool network)
    {
        check(Sampling.Fraction is > 0 and <= 1, $"sampling.fraction must be in (0, 1], got {Sampling.Fraction}");
        check(Sampling.MinParties >= 1, $"sampling.minParties must be at least 1, got {Sampling.MinParties}");
        check(
            network || Partition.Scheme == PartitionScheme.Column || Sampling.MinParties <= Partition.EffectiveParties,
            $"sampling.minParties ({Sampling.MinParties}) exceeds partition.parties ({Partition.EffectiveParties})");
    }

    private void ValidatePartition(Action<bool, string> check)
    {
        var p = Partition;
        var scheme = Lower(p.Scheme);
        var skewed = p.Scheme is PartitionScheme.Dirichlet or PartitionScheme.Quantity;
        check(p.Parties is null || p.Scheme != PartitionScheme.Column, "partition.parties is not valid with scheme column (one party per distinct value)");
        check(p.Parties is null or >= 1, $"partition.parties must be at least 1, got {p.Parties}");
        check(p.Alpha is null || skewed, $"partition.alpha is only valid for schemes dirichlet and quantity, not {scheme}");
        check(p.Alpha is null || (p.Alpha > 0 && double.IsFinite(p.Alpha.Value)), $"partition.alpha must be positive, got {p.Alpha}");
        check(p.Column is null || p.Scheme == PartitionScheme.Column, $"partition.column is only valid for scheme column, not {scheme}");
        check(p.Scheme != PartitionScheme.Column || !string.IsNullOrWhiteSpace(p.Column), "partition.column is required for scheme column");
    }
}
