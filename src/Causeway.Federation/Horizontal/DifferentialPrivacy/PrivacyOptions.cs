using Causeway.Privacy.Accounting;

namespace Causeway.Federation.Horizontal.DifferentialPrivacy;

/// <summary>
/// The <c>"privacy"</c> section of a run configuration: client-level DP-FedAvg (<see cref="Client"/>), sample-level DP-SGD
/// inside each party's training (<see cref="Sample"/>), and how the spent privacy is accounted and capped.
/// </summary>
/// <remarks>
/// <code>
/// "privacy": {
///   "client": { "noiseMultiplier": 1.0, "clipNorm": 0.5, "noise": "coordinator" },
///   "sample": { "noiseMultiplier": 1.1, "clipNorm": 1.0 },
///   "delta": 1e-5, "epsilonBudget": 8, "conversion": "classic"
/// }
/// </code>
/// Hyper-parameters are null when absent, so that one given where it does not apply is reported. See docs/privacy.md.
/// </remarks>
public sealed record PrivacyOptions
{
    /// <summary>Client-level DP-FedAvg (McMahan et al. 2018): each party's whole update is protected. Null: off.</summary>
    public ClientPrivacyOptions? Client { get; init; }

    /// <summary>Sample-level DP-SGD (Abadi et al. 2016) inside each party's local training. Null: off.</summary>
    public SamplePrivacyOptions? Sample { get; init; }

    /// <summary>δ of the reported (ε, δ) guarantees, in (0, 1). Default 1e-5.</summary>
    public double? Delta { get; init; }

    /// <summary>
    /// ε &gt; 0: the run stops before a round that would take a reported ε above it (client-level ε, and the worst
    /// party's sample-level ε). Null: no budget; ε is still reported.
    /// </summary>
    public double? EpsilonBudget { get; init; }

    /// <summary>The RDP→(ε, δ) conversion ε is reported with. Default <see cref="RdpConversion.Classic"/> (Mironov 2017).</summary>
    public RdpConversion Conversion { get; init; } = RdpConversion.Classic;

    /// <summary>δ in force.</summary>
    public double EffectiveDelta => Delta ?? 1e-5;

    /// <summary>The conversions' names as written in a configuration.</summary>
    public static IReadOnlyList<string> ConversionNames => [.. Enum.GetValues<RdpConversion>().Select(c => c.ToString().ToLowerInvariant())];

    /// <summary>Checks every value; one message per problem, each naming its field under <c>privacy.</c>.</summary>
    /// <param name="perRound">The number of parties sampled per round when known.</param>
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

        Check(Client is not null || Sample is not null, "privacy needs a \"client\" (DP-FedAvg) or a \"sample\" (DP-SGD) section");
        Check(Delta is null || (Delta > 0 && Delta < 1), $"privacy.delta must be in (0, 1), got {Delta}");
        Check(EpsilonBudget is null || (EpsilonBudget > 0 && double.IsFinite(EpsilonBudget.Value)), $"privacy.epsilonBudget must be a positive number, got {EpsilonBudget}");
        Check(Enum.IsDefined(Conversion), $"privacy.conversion must be one of {string.Join(", ", ConversionNames)}");
        if (Client is { } client)
        {
            errors.AddRange(client.Validate(perRound));
        }

        if (Sample is { } sample)
        {
            Check(sample.NoiseMultiplier >= 0 && double.IsFinite(sample.NoiseMultiplier), $"privacy.sample.noiseMultiplier must be a non-negative number, got {sample.NoiseMultiplier}");
            Check(sample.ClipNorm > 0 && double.IsFinite(sample.ClipNorm), $"privacy.sample.clipNorm must be a positive number, got {sample.ClipNorm}");
        }

        return errors;
    }
}

/// <summary>
/// Client-level DP-FedAvg: every update is clipped to an L2 norm S, the clipped updates are averaged with uniform
/// weights over the m parties selected, and Gaussian noise of standard deviation σ·S/m is added to the average.
/// </summary>
public sealed record ClientPrivacyOptions
{
    /// <summary>σ ≥ 0: the noise standard deviation in units of the clip norm S (of the sum). Required.</summary>
    public required double NoiseMultiplier { get; init; }

    /// <summary>S &gt; 0: a fixed clip norm. Exactly one of this and <see cref="AdaptiveClipping"/>.</summary>
    public double? ClipNorm { get; init; }

    /// <summary>Adaptive clipping (Andrew et al. 2021): S follows a target quantile of the update norms.</summary>
    public AdaptiveClippingOptions? AdaptiveClipping { get; init; }

    /// <summary>Where the noise is added. Default <see cref="NoisePlacement.Coordinator"/>.</summary>
    public NoisePlacement Noise { get; init; } = NoisePlacement.Coordinator;

    internal IEnumerable<string> Validate(int? perRound)
    {
        if (!(NoiseMultiplier >= 0 && double.IsFinite(NoiseMultiplier)))
        {
            yield return $"privacy.client.noiseMultiplier must be a non-negative number, got {NoiseMultiplier}";
        }

        if ((ClipNorm is null) == (AdaptiveClipping is null))
        {
            yield return "privacy.client needs exactly one of clipNorm (fixed clipping) and adaptiveClipping";
        }

        if (ClipNorm is { } clip && !(clip > 0 && double.IsFinite(clip)))
        {
            yield return $"privacy.client.clipNorm must be a positive number, got {clip}";
        }

        if (!Enum.IsDefined(Noise))
        {
            yield return "privacy.client.noise must be \"coordinator\" or \"parties\"";
        }

        if (AdaptiveClipping is { } adaptive)
        {
            foreach (var error in adaptive.Validate(NoiseMultiplier, perRound))
            {
                yield return error;
            }
        }
    }
}

/// <summary>
/// Adaptive clipping (Andrew et al. 2021, "Differentially Private Learning with Adaptive Clipping"): after each round
/// the clip norm moves geometrically towards the <see cref="TargetQuantile"/> of the update norms,
/// <c>S ← S·exp(−η·(b̄ − γ))</c>, where b̄ is the noised share of updates that were within S.
/// </summary>
public sealed record AdaptiveClippingOptions
{
    /// <summary>S before round 1, &gt; 0. Default 0.1.</summary>
    public double? InitialNorm { get; init; }

    /// <summary>γ in (0, 1), the quantile of update norms S tracks. Default 0.5.</summary>
    public double? TargetQuantile { get; init; }

    /// <summary>η &gt; 0, the geometric step. Default 0.2.</summary>
    public double? LearningRate { get; init; }

    /// <summary>
    /// σ_b &gt; 0, the noise on the count of unclipped updates, in counts. Default m/20 for m parties per round (the
    /// paper's choice). The update noise is raised so that the two releases together cost what σ alone states.
    /// </summary>
    public double? CountNoise { get; init; }

    public double EffectiveInitialNorm => InitialNorm ?? 0.1;

    public double EffectiveTargetQuantile => TargetQuantile ?? 0.5;

    public double EffectiveLearningRate => LearningRate ?? 0.2;

    /// <summary>σ_b in force for <paramref name="perRound"/> parties per round.</summary>
    public double EffectiveCountNoise(int perRound) => CountNoise ?? perRound / 20.0;

    internal IEnumerable<string> Validate(double noiseMultiplier, int? perRound)
    {
        if (!(EffectiveInitialNorm > 0 && double.IsFinite(EffectiveInitialNorm)))
        {
            yield return $"privacy.client.adaptiveClipping.initialNorm must be a positive number, got {InitialNorm}";
        }

        if (!(EffectiveTargetQuantile is > 0 and < 1))
        {
            yield return $"privacy.client.adaptiveClipping.targetQuantile must be in (0, 1), got {TargetQuantile}";
        }

        if (!(EffectiveLearningRate > 0 && double.IsFinite(EffectiveLearningRate)))
        {
            yield return $"privacy.client.adaptiveClipping.learningRate must be a positive number, got {LearningRate}";
        }

        if (CountNoise is { } countNoise && !(countNoise > 0 && double.IsFinite(countNoise)))
        {
            yield return $"privacy.client.adaptiveClipping.countNoise must be a positive number, got {countNoise}";
        }

        if (perRound is { } m && noiseMultiplier > 0 && double.IsFinite(noiseMultiplier)
            && !double.IsFinite(ClientPrivacy.UpdateNoiseMultiplier(noiseMultiplier, EffectiveCountNoise(m))))
        {
            yield return $"privacy.client.adaptiveClipping.countNoise ({EffectiveCountNoise(m)}) is too small for noiseMultiplier {noiseMultiplier}: "
                + $"it must exceed σ/2 = {noiseMultiplier / 2} so that the update keeps some of the budget";
        }
    }
}

/// <summary>Sample-level DP-SGD inside each party's local training.</summary>
public sealed record SamplePrivacyOptions
{
    /// <summary>σ ≥ 0, in units of <see cref="ClipNorm"/>. Required.</summary>
    public required double NoiseMultiplier { get; init; }

    /// <summary>C &gt; 0, the L2 norm every example's gradient is clipped to. Required.</summary>
    public required double ClipNorm { get; init; }
}

/// <summary>Where DP-FedAvg's noise is added.</summary>
public enum NoisePlacement
{
    /// <summary>
    /// Central DP: parties send plain updates; the coordinator clips them, averages and adds N(0, σ²S²/m²). Protects
    /// the released model against everyone who sees it, not the updates against the coordinator.
    /// </summary>
    Coordinator,

    /// <summary>
    /// Distributed DP: each of the m selected parties clips its own update and adds N(0, σ²S²/m); the coordinator
    /// averages and adds the share of any party that dropped out. The average carries the same noise as central DP,
    /// but one update on its own carries only 1/√m of it: a guarantee against the coordinator only together with
    /// secure aggregation, which hides the single updates.
    /// </summary>
    Parties,
}
