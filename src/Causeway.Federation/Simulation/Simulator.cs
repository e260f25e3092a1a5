using System.Globalization;
using Causeway.Core.Data;
using Causeway.Core.Metrics;
using Causeway.Core.Models;
using Causeway.Core.Tensors;
using Causeway.Core.Training;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Robust;

namespace Causeway.Federation.Simulation;

/// <summary>
/// Runs a federated experiment in one process: splits a dataset into virtual parties as the run configuration says,
/// and drives them through the same <see cref="RoundEngine"/> a networked coordinator uses, over an
/// <see cref="InMemoryPartyChannel"/>.
/// </summary>
/// <remarks>
/// <para>
/// The initial model is <c>model.init</c> or <c>DenseNetwork.Initialize(seed)</c> (<see cref="RunConfig.InitialParameters"/>); the global model is evaluated on
/// <see cref="SimulationData.Test"/> with a <see cref="CentralEvaluator"/> on the configured schedule.
/// </para>
/// <para>
/// The centralized baseline (<c>evaluation.centralized</c>) trains the same model with the same plan on the union
/// of the (honest) training data, for the number of epochs that processes as many examples as the federation did:
/// <c>max(1, round(rounds × plan.Epochs × k / N))</c> with k of the N parties selected per round. FedSGD's plan
/// (one full-batch epoch) therefore becomes that many full-batch gradient steps. The FedProx term is dropped.
/// </para>
/// <para>
/// The <c>attack</c> section makes round(fraction × N) virtual parties, chosen with the run seed, malicious for the
/// whole run: label-flip parties train on flipped labels; scale and random parties train honestly and their deltas
/// are replaced on the way to the round engine (see <see cref="AttackOptions"/>).
/// </para>
/// </remarks>
public sealed class Simulator
{
    private readonly SimulatorOptions _options;

    public Simulator(SimulatorOptions? options = null)
    {
        _options = options ?? new SimulatorOptions();
        ArgumentNullException.ThrowIfNull(_options.TimeProvider, nameof(options));
    }

    /// <summary>Runs the configured experiment.</summary>
    /// <param name="config">The run configuration (its <c>data</c> paths are not used: the data is given).</param>
    /// <param name="data">The encoded training and test data.</param>
    /// <param name="observer">Hears about every closed round, or null.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <exception cref="ArgumentException">The configuration is invalid or does not fit the data.</exception>
    public async Task<RunResult> RunAsync(RunConfig config, SimulationData data, IRunObserver? observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(data);
        var errors = config.Validate(RunSite.SimulationInMemory);
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid run configuration: {string.Join("; ", errors)}.", nameof(config));
        }

        var time = _options.TimeProvider;
        var started = time.GetTimestamp();
        var spec = config.ToModelSpec(data.Train.Columns, data.Outputs, data.Task);
        var parts = Partition(config, data);
        var attack = config.Attack;
        var malicious = attack is null ? new HashSet<PartyId>() : Attacks.ChooseMalicious([.. parts.Select(p => p.Party)], attack, config.Seed);
        var trainers = parts.Select(p =>
        {
            var rows = data.Train.Select(p.Rows);
            var flip = attack?.Kind == AttackKind.LabelFlip && malicious.Contains(p.Party);
            return new PartyTrainer(p.Party, spec, flip ? Attacks.FlipLabels(rows, data.Classes) : rows);
        }).ToList();
        var parties = trainers.Select(t => t.Party).ToList();
        using var inMemory = new InMemoryPartyChannel(trainers, _options.MaxParallelism);
        IPartyChannel channel = attack is { Kind: AttackKind.Scale or AttackKind.Random } && malicious.Count > 0
            ? new AttackingPartyChannel(inMemory, malicious, attack)
            : inMemory;
        var engine = RunEngine.Create(config.ToRoundEngineOptions(time, _options.FoldOrder, spec) with { PartyCertificates = inMemory.CertificateOf });
        // With personal layers no one model is the federation's (each party scores its own: RunResult.PersonalModels), so the
        // global model, whose personal layers never trained, is not scored.
        var evaluator = data.Test is { Rows: > 0 } test && engine.Plan.PersonalLayers == 0 ? new CentralEvaluator(spec, test) : null;
        var initial = config.InitialParameters(spec);

        var result = await engine.RunAsync(initial, new FixedRoster(parties), channel, evaluator, observer, null, cancellationToken).ConfigureAwait(false);

        (Evaluation Evaluation, ParameterSet Model)? centralized = null;
        if (config.Evaluation.Centralized && data.Test is { Rows: > 0 } baselineTest)
        {
            // The reference trains the whole model from a seeded start: nothing pretrained to freeze, nothing personal to keep.
            var plan = engine.Plan with { Epochs = BaselineEpochs(config, engine.Plan, parties.Count), FrozenLayers = 0, PersonalLayers = 0 };
            centralized = await Task.Run(
                () =>
                {
                    var network = new DenseNetwork(spec);
                    var trained = CentralizedTrainer.Train(network, data.Train, plan, config.Seed, null, cancellationToken);
                    return (ModelEvaluator.Evaluate(network, trained, baselineTest), trained);
                },
                cancellationToken).ConfigureAwait(false);
        }

        return result with
        {
            Centralized = centralized?.Evaluation,
            CentralizedModel = centralized?.Model,
            Seconds = time.GetElapsedTime(started).TotalSeconds,
            PersonalModels = engine.Plan.PersonalLayers > 0 ? trainers.ToDictionary(t => t.Party, t => t.PersonalModel(result.Global)) : result.PersonalModels,
        };
    }

    /// <summary>Splits <paramref name="data"/>'s training rows into parties as <c>config.partition</c> says.</summary>
    /// <remarks>
    /// Party ids are <c>party-0001</c>, <c>party-0002</c>... (zero-padded to the party count's width), or the column
    /// values for the column scheme. The split is seeded from the run seed. A party may receive no rows under the
    /// skewed schemes; it then reports a dropout every round it is selected.
    /// </remarks>
    public static IReadOnlyList<(PartyId Party, int[] Rows)> Partition(RunConfig config, SimulationData data)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(data);
        var p = config.Partition;
        var rows = data.Train.Rows;
        var random = new Random(unchecked((int)RunSeeds.Mix(config.Seed ^ 0xDA7A5917UL)));
        if (p.Scheme == PartitionScheme.Column)
        {
            var keys = data.PartitionKeys
                ?? throw new ArgumentException($"partition.scheme column needs the values of column '{p.Column}' (SimulationData.PartitionKeys).", nameof(data));
            if (keys.Count != rows)
            {
                throw new ArgumentException($"{keys.Count} partition keys for {rows} training rows.", nameof(data));
            }

            return [.. Partitioner.ByColumn(keys).Select(g => (new PartyId(g.Key), g.Rows))];
        }

        var count = p.EffectiveParties;
        IReadOnlyList<int[]> split = p.Scheme switch
        {
            PartitionScheme.Iid => Partitioner.Iid(rows, count, random),
            PartitionScheme.Quantity => Partitioner.QuantitySkew(rows, count, p.EffectiveAlpha, random),
            _ when data.Classes == 0 => throw new ArgumentException("partition.scheme dirichlet needs class labels, not a regression target.", nameof(data)),
            _ => Partitioner.Dirichlet(data.Train.Labels, data.Classes, count, p.EffectiveAlpha, random),
        };
        var width = count.ToString(CultureInfo.InvariantCulture).Length;
        var format = "D" + Math.Max(4, width).ToString(CultureInfo.InvariantCulture);
        return [.. split.Select((r, i) => (new PartyId("party-" + (i + 1).ToString(format, CultureInfo.InvariantCulture)), r))];
    }

    /// <summary>
    /// The split <c>data.testFraction</c> asks for: that share of the rows held out, per class (<see cref="HoldOut.Stratified"/>),
    /// seeded from the run seed, so a run reproduces its split.
    /// </summary>
    /// <param name="config">The run; its <c>data.testFraction</c> must be set.</param>
    /// <param name="labels">Every row's label.</param>
    /// <param name="classes">The number of classes, or 0 for regression.</param>
    public static (int[] Train, int[] Test) HoldOutSplit(RunConfig config, ReadOnlySpan<float> labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(config);
        var fraction = config.Data.TestFraction ?? throw new ArgumentException("data.testFraction is not set.", nameof(config));
        return HoldOut.Stratified(labels, classes, fraction, new Random(unchecked((int)RunSeeds.Mix(config.Seed ^ 0x7E57F4AC7105UL))));
    }

    private static int BaselineEpochs(RunConfig config, TrainingPlan plan, int parties)
    {
        var perRound = new FractionSelector(config.Sampling.Fraction, config.Sampling.MinParties).CountFor(parties);
        var epochs = Math.Round((double)config.Rounds * plan.Epochs * perRound / parties);
        return (int)Math.Clamp(epochs, 1, int.MaxValue);
    }
}
