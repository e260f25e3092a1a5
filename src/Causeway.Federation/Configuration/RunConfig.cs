using System.Text.Json;
using System.Text.Json.Serialization;
using Causeway.Core.Models;
using Causeway.Core.Serialization;
using Causeway.Core.Tensors;
using Causeway.Core.Training;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.DifferentialPrivacy;
using Causeway.Federation.Horizontal.Robust;
using Causeway.Privacy.Accounting;

namespace Causeway.Federation.Configuration;

/// <summary>
/// The run configuration a user writes: model, local training, strategy, sampling, round rules, data, partition
/// and evaluation. Every section and field is optional and has the default stated on its property.
/// </summary>
/// <remarks>
/// <para>
/// JSON with camelCase field names and lowercase enum strings (<c>"fedavg"</c>, <c>"dirichlet"</c>, <c>"sgd"</c>);
/// comments and trailing commas are allowed; an unknown field is an error. <see cref="Parse"/> checks the shape,
/// <see cref="Validate"/> the values: call both.
/// </para>
/// </remarks>
public sealed partial record RunConfig
{
    private static readonly JsonSerializerOptions SerializerOptions = CreateSerializerOptions();

    /// <summary>The run's name, used in reports. Default "run".</summary>
    public string Name { get; init; } = "run";

    /// <summary>The seed of everything random in the run. Default 42.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>The number of rounds (≥ 1). Default 10.</summary>
    public int Rounds { get; init; } = 10;

    public ModelConfig Model { get; init; } = new();

    public TrainingConfig Training { get; init; } = new();

    public StrategyConfig Strategy { get; init; } = new();

    public SamplingConfig Sampling { get; init; } = new();

    public RoundConfig Round { get; init; } = new();

    public DataConfig Data { get; init; } = new();

    public PartitionConfig Partition { get; init; } = new();

    public EvaluationConfig Evaluation { get; init; } = new();

    /// <summary>The <c>"updates"</c> section: synchronous rounds or asynchronous buffered aggregation, and periodic participation. Default: synchronous rounds, no pacing.</summary>
    public UpdatesConfig Updates { get; init; } = new();

    /// <summary>
    /// The <c>"aggregation"</c> section: the rule that combines a round's deltas (mean, median, trimmed-mean, krum,
    /// multi-krum) and an optional norm bound. Null (absent) is the streaming weighted mean without a bound.
    /// </summary>
    public AggregationOptions? Aggregation { get; init; }

    /// <summary>
    /// The <c>"privacy"</c> section: client-level DP-FedAvg, sample-level DP-SGD, the accountant's δ and conversion, and
    /// the ε budget (<see cref="PrivacyOptions"/>). Null (absent) trains without differential privacy.
    /// </summary>
    public PrivacyOptions? Privacy { get; init; }

    /// <summary>
    /// The <c>"attack"</c> section, simulation only: a share of the virtual parties is malicious. Null (absent) is an
    /// honest simulation. A coordinator ignores it.
    /// </summary>
    public AttackOptions? Attack { get; init; }

    /// <summary>
    /// The <c>"protection"</c> section: secure aggregation or Paillier encryption of the updates. Null (absent) is plain
    /// rounds.
    /// </summary>
    public ProtectionConfig? Protection { get; init; }

    /// <summary>
    /// The <c>"recommendation"</c> section: a federated recommendation run over ratings parties instead of a model on a
    /// table (network runs only). Null (absent) is a horizontal run of <see cref="Model"/>.
    /// </summary>
    public RecommendationConfig? Recommendation { get; init; }

    /// <summary>Reads a configuration. Does not check values: call <see cref="Validate"/> next.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="sourceName">The file name, used in error messages.</param>
    /// <exception cref="RunConfigException">The text is not JSON, has an unknown field, or a value of the wrong type.</exception>
    public static RunConfig Parse(string json, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(sourceName);
        try
        {
            return JsonSerializer.Deserialize<RunConfig>(json, SerializerOptions)
                ?? throw new RunConfigException(sourceName, null, null, "the configuration is null; expected an object");
        }
        catch (JsonException exception)
        {
            throw Describe(exception, sourceName);
        }
    }

    /// <summary>The serializer options of the configuration format (for writing an example file, say).</summary>
    public static JsonSerializerOptions JsonOptions => SerializerOptions;

    /// <summary>The configuration as JSON in the same format <see cref="Parse"/> reads.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SerializerOptions);

    /// <summary>The strategy settings for <see cref="Horizontal.Strategy.Create"/>.</summary>
    public StrategyOptions ToStrategyOptions()
    {
        var defaults = new StrategyOptions();
        return new StrategyOptions
        {
            Kind = Strategy.Name,
            ProximalMu = Strategy.Mu ?? defaults.ProximalMu,
            ServerLearningRate = Strategy.ServerLearningRate,
            ServerMomentum = Strategy.ServerMomentum ?? defaults.ServerMomentum,
            Beta1 = Strategy.Beta1 ?? defaults.Beta1,
            Beta2 = Strategy.Beta2 ?? defaults.Beta2,
            Tau = Strategy.Tau ?? defaults.Tau,
            Fraction = Sampling.Fraction,
            MinParties = Sampling.MinParties,
            Aggregation = Aggregation ?? new AggregationOptions(),

            // DP-FedAvg's sensitivity bound needs every clipped update to count once.
            Weighting = Privacy?.Client is null ? AggregationWeighting.Examples : AggregationWeighting.Uniform,
        };
    }

    /// <summary>
    /// The strategy of a recommendation run: the <c>"strategy"</c> section's selection and server optimizer with an
    /// <see cref="Federation.Recommendation.ItemAggregator"/> of <c>recommendation.aggregation</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The configuration has no recommendation section.</exception>
    public Horizontal.Strategy ToRecommendationStrategy()
    {
        var recommendation = Recommendation ?? throw new InvalidOperationException("The run configuration has no recommendation section.");

        // User-level DP releases the clipped uniform mean (DP-FedAvg): the per-item aggregation would divide by counts
        // that nobody noised.
        IAggregator aggregator = Privacy is null
            ? new Federation.Recommendation.ItemAggregator(recommendation.Aggregation)
            : new WeightedMeanAggregator(AggregationWeighting.Uniform);
        return Horizontal.Strategy.Create(ToStrategyOptions()) with { Aggregator = aggregator };
    }

    /// <summary>
    /// The parties' plan of a recommendation run: the section's, in the form the run's protection and privacy need
    /// (<see cref="Federation.Recommendation.RecommendationPlan.FormFor"/>).
    /// </summary>
    public Federation.Recommendation.RecommendationPlan ToRecommendationPlan()
    {
        var recommendation = Recommendation ?? throw new InvalidOperationException("The run configuration has no recommendation section.");
        var plan = recommendation.ToPlan();
        return plan with
        {
            Form = Federation.Recommendation.RecommendationPlan.FormFor(
                recommendation.Aggregation, plan.Form, isProtected: Protection is { Kind: not ProtectionKind.None }, isPrivate: Privacy is not null),
        };
    }

    /// <summary>
    /// The plan parties train with: the <c>"training"</c> section adjusted by the strategy (FedSGD forces one
    /// full-batch epoch; FedProx sets mu). Applying the strategy's adjustment again changes nothing.
    /// </summary>
    public TrainingPlan ToTrainingPlan()
    {
        var plan = new TrainingPlan
        {
            Epochs = Training.Epochs,
            BatchSize = Training.BatchSize,
            LearningRate = Training.LearningRate,
            Optimizer = Training.Optimizer,
            Momentum = Training.Momentum,
            WeightDecay = Training.WeightDecay,
            FrozenLayers = Training.FrozenLayers,
            PersonalLayers = Training.PersonalLayers,
            DpSgd = Privacy?.Sample is { } sample ? new DpSgd { ClipNorm = sample.ClipNorm, NoiseMultiplier = sample.NoiseMultiplier } : null,
        };
        return Horizontal.Strategy.Create(ToStrategyOptions()).ConfigurePlan(plan);
    }

    /// <summary>The round engine's options for this run (selection, plan, deadline, minimum, failure limits, seed, evaluation).</summary>
    /// <param name="timeProvider">The clock; the system's when null.</param>
    /// <param name="foldOrder">The order updates are folded in.</param>
    /// <param name="model">
    /// The run's model, which gives a classifier's divergence rule its reference loss (<see cref="DivergenceRule.For"/>);
    /// null takes the first round's loss as the reference.
    /// </param>
    public RoundEngineOptions ToRoundEngineOptions(TimeProvider? timeProvider = null, FoldOrder foldOrder = FoldOrder.Arrival, ModelSpec? model = null) => new()
    {
        Strategy = Horizontal.Strategy.Create(ToStrategyOptions()),
        Plan = ToTrainingPlan(),
        Rounds = Rounds,
        Deadline = TimeSpan.FromSeconds(Round.DeadlineSeconds),
        MinResults = Round.MinResults,
        MaxDegradedFraction = Round.MaxDegradedFraction,
        Divergence = model is null ? new DivergenceRule { LossFactor = Round.DivergenceLossFactor } : DivergenceRule.For(model, Round.DivergenceLossFactor),
        Seed = Seed,
        RunId = Name,
        EvaluateEveryRounds = Evaluation.EveryRounds,
        Privacy = Privacy,
        FoldOrder = foldOrder,
        TimeProvider = timeProvider ?? TimeProvider.System,
        Protection = Protection?.CreateProtection(),
        Buffered = Updates.ToBufferedUpdates(),
        MinTimeBetweenTasks = TimeSpan.FromSeconds(Updates.MinSecondsBetweenTasks),
    };

    /// <summary>
    /// The parameters a run of <paramref name="spec"/> starts from: the <c>model.init</c> model when the config has one,
    /// else a fresh initialisation from the run's seed.
    /// </summary>
    /// <exception cref="ArgumentException"><c>model.init</c> is not a Causeway model, or not one of <paramref name="spec"/>'s shape.</exception>
    public ParameterSet InitialParameters(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (Model.Init is null)
        {
            return new DenseNetwork(spec).Initialize(Seed);
        }

        var (stored, parameters) = ReadInit(Model.Init);
        if (DenseNetwork.CreateLayout(spec).DescribeMismatch(parameters.Layout) is { } mismatch)
        {
            throw new ArgumentException($"model.init does not fit the run's {spec.DisplayName}: {mismatch}.", nameof(spec));
        }

        if (stored.Task != spec.Task)
        {
            throw new ArgumentException($"model.init is a {stored.DisplayName}, but the run trains a {spec.DisplayName}.", nameof(spec));
        }

        return parameters;
    }

    // The model in model.init; ArgumentException when it is not base64 of a Causeway model file.
    private static (ModelSpec Spec, ParameterSet Parameters) ReadInit(string init)
    {
        var bytes = new byte[init.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(init, bytes, out var length) || length > ModelConfig.MaxInitBytes)
        {
            throw new ArgumentException($"model.init must be base64 of a Causeway model file of at most {ModelConfig.MaxInitBytes >> 20} MiB.");
        }

        try
        {
            var (spec, parameters, _) = ModelFile.Read(new MemoryStream(bytes, 0, length, writable: false), "model.init");
            return (spec, parameters);
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException(e.Message, e);
        }
    }

    /// <summary>The model for data with <paramref name="inputs"/> features and the given task.</summary>
    /// <param name="inputs">The number of encoded features.</param>
    /// <param name="outputs">1, or the number of classes for a multiclass task.</param>
    /// <param name="task">The task the data's label defines.</param>
    /// <exception cref="ArgumentException">The model type cannot learn <paramref name="task"/> (logistic needs a binary label...).</exception>
    public ModelSpec ToModelSpec(int inputs, int outputs, LearningTask task)
    {
        var expected = Model.Type switch
        {
            ModelType.Logistic => LearningTask.BinaryClassification,
            ModelType.Softmax => LearningTask.MulticlassClassification,
            ModelType.Linear => LearningTask.Regression,
            _ => task,
        };
        if (expected != task)
        {
            throw new ArgumentException($"model.type {Lower(Model.Type)} needs a {expected} label, but the data's label is {task}.", nameof(task));
        }

        return new ModelSpec(task, inputs, outputs, Model.EffectiveHidden, Model.Dropout);
    }

    private static RunConfigException Describe(JsonException exception, string sourceName)
    {
        var field = exception.Path is { Length: > 1 } path ? path.TrimStart('$').TrimStart('.') : null;
        var line = exception.LineNumber is { } l ? (int)l + 1 : (int?)null;
        var message = exception.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        message = cut >= 0 ? message[..cut] : message;
        if (message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            var start = message.IndexOf('\'', StringComparison.Ordinal) + 1;
            var end = message.IndexOf('\'', start);
            var name = start > 0 && end > start ? message[start..end] : "?";
            var parent = field ?? string.Empty;
            if (parent.EndsWith(name, StringComparison.Ordinal))
            {
                parent = parent[..^name.Length].TrimEnd('.');
            }

            var full = parent.Length > 0 ? $"{parent}.{name}" : name;
            var suggestion = Core.Serialization.FieldNames.Suggest(typeof(RunConfig), parent, name);
            return new RunConfigException(sourceName, line, full, suggestion is null ? "unknown field" : $"unknown field; {suggestion}", exception);
        }

        const string Converted = "could not be converted to ";
        var at = message.IndexOf(Converted, StringComparison.Ordinal);
        if (at >= 0)
        {
            var type = message[(at + Converted.Length)..].TrimEnd('.', ' ');
            return new RunConfigException(sourceName, line, field, Expected(type), exception);
        }

        if (message.Contains("doesn't allow setting null", StringComparison.Ordinal))
        {
            return new RunConfigException(sourceName, line, field, "must not be null", exception);
        }

        return new RunConfigException(sourceName, line, field, message, exception);
    }

    private static string Expected(string typeName)
    {
        string[] Names<TEnum>()
            where TEnum : struct, Enum => [.. Enum.GetValues<TEnum>().Select(Lower)];

        var names = typeName switch
        {
            _ when typeName.EndsWith(nameof(StrategyKind), StringComparison.Ordinal) => Names<StrategyKind>(),
            _ when typeName.EndsWith(nameof(ModelType), StringComparison.Ordinal) => Names<ModelType>(),
            _ when typeName.EndsWith(nameof(PartitionScheme), StringComparison.Ordinal) => Names<PartitionScheme>(),
            _ when typeName.EndsWith(nameof(OptimizerKind), StringComparison.Ordinal) => Names<OptimizerKind>(),
            _ when typeName.EndsWith(nameof(AggregationRule), StringComparison.Ordinal) => [.. AggregationOptions.Names],
            _ when typeName.EndsWith(nameof(AttackKind), StringComparison.Ordinal) => [.. AttackOptions.Names],
            _ when typeName.EndsWith(nameof(NoisePlacement), StringComparison.Ordinal) => Names<NoisePlacement>(),
            _ when typeName.EndsWith(nameof(RdpConversion), StringComparison.Ordinal) => [.. PrivacyOptions.ConversionNames],
            _ when typeName.EndsWith(nameof(ProtectionKind), StringComparison.Ordinal) => [.. ProtectionConfig.Names],
            _ when typeName.EndsWith(nameof(UpdateMode), StringComparison.Ordinal) => Names<UpdateMode>(),
            _ when typeName.Contains(nameof(Horizontal.Buffered.StalenessFunction), StringComparison.Ordinal) => Names<Horizontal.Buffered.StalenessFunction>(),
            _ when typeName.EndsWith(nameof(Federation.Recommendation.RecommenderKind), StringComparison.Ordinal) => Names<Federation.Recommendation.RecommenderKind>(),
            _ when typeName.EndsWith(nameof(Federation.Recommendation.ItemAggregation), StringComparison.Ordinal) => Names<Federation.Recommendation.ItemAggregation>(),
            _ => null,
        };
        if (names is not null)
        {
            return $"expected one of {string.Join(", ", names.Select(n => $"\"{n}\""))}";
        }

        return typeName switch
        {
            "System.Int32" or "System.Nullable`1[System.Int32]" => "expected a whole number",
            "System.UInt64" => "expected a non-negative whole number",
            "System.Single" or "System.Double" or "System.Nullable`1[System.Single]" or "System.Nullable`1[System.Double]" => "expected a number",
            "System.Boolean" => "expected true or false",
            "System.String" => "expected a string",
            _ when typeName.Contains("IReadOnlyList", StringComparison.Ordinal) => "expected a list of whole numbers",
            _ => "expected an object",
        };
    }

    private static JsonSerializerOptions CreateSerializerOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            RespectNullableAnnotations = true,
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(new LowerCaseNamingPolicy(), allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    internal static string Lower<TEnum>(TEnum value)
        where TEnum : struct, Enum => value.ToString().ToLowerInvariant();

    private sealed class LowerCaseNamingPolicy : JsonNamingPolicy
    {
        public override string ConvertName(string name) => name.ToLowerInvariant();
    }
}
