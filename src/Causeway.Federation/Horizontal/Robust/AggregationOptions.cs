namespace Causeway.Federation.Horizontal.Robust;

/// <summary>
/// How a round's deltas are combined, and the <c>"aggregation"</c> section of a run configuration:
/// <c>{ "rule": "mean|median|trimmed-mean|krum|multi-krum", "trim": 0.1, "byzantine": 2, "select": 5, "normBound": 5.0 }</c>.
/// Hyper-parameters are null when absent, so that one given for a rule that does not use it is reported.
/// </summary>
/// <remarks>
/// The robust rules buffer every update of a round (N × model floats); <c>mean</c> streams. Whatever the rule, its
/// result is the pseudo-gradient the strategy's server optimizer steps with (FedAvgM, FedAdam... compose unchanged).
/// </remarks>
public sealed record AggregationOptions
{
    /// <summary>The rule. Default mean (the streaming weighted mean of FedAvg).</summary>
    public AggregationRule Rule { get; init; } = AggregationRule.Mean;

    /// <summary>β in [0, 0.5), the share trimmed at each end of every coordinate (trimmed-mean only). Default 0.1.</summary>
    public double? Trim { get; init; }

    /// <summary>f ≥ 0, the Byzantine updates tolerated (krum, multi-krum). Default 1.</summary>
    public int? Byzantine { get; init; }

    /// <summary>m ≥ 1, the deltas averaged (multi-krum only). Default N − f for the N updates of the round.</summary>
    public int? Select { get; init; }

    /// <summary>B &gt; 0: clip every delta's L2 norm to B before the rule sees it (any rule). Default none.</summary>
    public float? NormBound { get; init; }

    /// <summary>The trim fraction in force.</summary>
    public double EffectiveTrim => Trim ?? 0.1;

    /// <summary>The number of Byzantine updates in force.</summary>
    public int EffectiveByzantine => Byzantine ?? 1;

    /// <summary>The rule's name as written in a configuration (<c>"trimmed-mean"</c>...).</summary>
    public static string Name(AggregationRule rule) => rule switch
    {
        AggregationRule.TrimmedMean => "trimmed-mean",
        AggregationRule.MultiKrum => "multi-krum",
        _ => rule.ToString().ToLowerInvariant(),
    };

    /// <summary>The rules' names as written in a configuration.</summary>
    public static IReadOnlyList<string> Names => [.. Enum.GetValues<AggregationRule>().Select(Name)];

    /// <summary>Builds the aggregator; <paramref name="weighting"/> applies to the mean only.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range for the rule.</exception>
    public IAggregator CreateAggregator(AggregationWeighting weighting = AggregationWeighting.Examples)
    {
        IAggregator aggregator = Rule switch
        {
            AggregationRule.Mean => new WeightedMeanAggregator(weighting),
            AggregationRule.Median => new CoordinateMedianAggregator(),
            AggregationRule.TrimmedMean => new TrimmedMeanAggregator(EffectiveTrim),
            AggregationRule.Krum => new KrumAggregator(EffectiveByzantine, 1),
            AggregationRule.MultiKrum => new KrumAggregator(EffectiveByzantine, Select),
            _ => throw new ArgumentOutOfRangeException(nameof(Rule), Rule, "Unknown aggregation rule."),
        };
        return NormBound is { } bound ? new NormBoundAggregator(aggregator, bound) : aggregator;
    }

    /// <summary>Checks every value; one message per problem, each naming its field under <c>aggregation.</c>.</summary>
    /// <param name="perRound">The number of parties sampled per round when known, to check Krum's n &gt; 2f + 2.</param>
    public IReadOnlyList<string> Validate(int? perRound)
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }

        var name = Name(Rule);
        var krum = Rule is AggregationRule.Krum or AggregationRule.MultiKrum;
        Check(Enum.IsDefined(Rule), $"aggregation.rule must be one of {string.Join(", ", Names)}");
        Check(Trim is null || Rule == AggregationRule.TrimmedMean, $"aggregation.trim is only valid for trimmed-mean, not {name}");
        Check(Trim is null or (>= 0 and < 0.5), $"aggregation.trim must be in [0, 0.5), got {Trim}");
        Check(Byzantine is null || krum, $"aggregation.byzantine is only valid for krum and multi-krum, not {name}");
        Check(Byzantine is null or >= 0, $"aggregation.byzantine must be non-negative, got {Byzantine}");
        Check(Select is null || Rule == AggregationRule.MultiKrum, $"aggregation.select is only valid for multi-krum, not {name}");
        Check(Select is null or >= 1, $"aggregation.select must be at least 1, got {Select}");
        Check(NormBound is null || (NormBound > 0 && float.IsFinite(NormBound.Value)), $"aggregation.normBound must be a positive number, got {NormBound}");
        if (krum && perRound is { } n && EffectiveByzantine >= 0 && Select is null or >= 1)
        {
            var f = EffectiveByzantine;
            Check(n > (2 * f) + 2, $"aggregation.byzantine {f}: {name} needs more than 2f + 2 = {(2 * f) + 2} updates per round, but {n} parties are sampled per round");
            Check(Select is null || Select <= n - f, $"aggregation.select ({Select}) exceeds the {n} parties sampled per round minus byzantine ({f})");
        }

        return errors;
    }
}
