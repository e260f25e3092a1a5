using Causeway.Federation.Horizontal.Protection;
using Causeway.Privacy.Paillier;
using Causeway.Privacy.SecureAggregation;

namespace Causeway.Federation.Configuration;

/// <summary>
/// The <c>"protection"</c> section: secure aggregation or Paillier encryption of the updates, for every strategy.
/// <c>{ "kind": "secagg", "threshold": 2, "clipBound": 1, "scale": 65536 }</c>,
/// <c>{ "kind": "secagg", "variant": "secagg+", "dropoutRate": 0.1, "corruptionRate": 0.05, "authenticated": true }</c> or
/// <c>{ "kind": "paillier", "keyHolder": "hospital-a", "keyBits": 2048 }</c>. Hyper-parameters are null when absent,
/// so one given for the other kind is reported.
/// </summary>
/// <remarks>
/// Protected rounds average the updates (uniformly, or by a public bounded weight with <see cref="WeightCap"/>) and hand the mean to the strategy's server optimizer (FedAvg,
/// FedAdam... compose unchanged). They hide the individual updates, so a robust aggregation rule or a coordinator-side
/// norm bound (which need them) is refused. See docs/adr/0008-protected-aggregation-rounds.md and docs/privacy.md.
/// </remarks>
public sealed record ProtectionConfig
{
    /// <summary>The protection. Default none.</summary>
    public ProtectionKind Kind { get; init; } = ProtectionKind.None;

    /// <summary>Secure aggregation's Shamir threshold t ≥ 2, at most the parties selected per round. Default: a majority of each round's selected parties.</summary>
    public int? Threshold { get; init; }

    /// <summary>Secure aggregation: every coordinate of a delta is clipped to ±clipBound before quantising (&gt; 0). Default 1.</summary>
    public double? ClipBound { get; init; }

    /// <summary>Secure aggregation's fixed-point scale S, units per 1.0 (&gt; 0). Default 65536 (2^16).</summary>
    public double? Scale { get; init; }

    /// <summary>Secure aggregation's peer graph: "secagg" (every party masks with every other) or "secagg+" (O(log N) neighbours, Bell et al. 2020). Default secagg.</summary>
    public string? Variant { get; init; }

    /// <summary>Secure aggregation: the fraction of a round's parties that may drop, in [0, 1); with corruptionRate it chooses the degree and threshold. Default 0.1.</summary>
    public double? DropoutRate { get; init; }

    /// <summary>Secure aggregation: the fraction of a round's parties that may collude with the coordinator, in [0, 1). Default 0.05.</summary>
    public double? CorruptionRate { get; init; }

    /// <summary>Secure aggregation against a coordinator that may lie: signed keys and the consistency check; every party needs a client certificate. Default false.</summary>
    public bool? Authenticated { get; init; }

    /// <summary>Paillier: the party that generates the key pair and decrypts the sums (required for paillier).</summary>
    public string? KeyHolder { get; init; }

    /// <summary>Paillier: the modulus size, 2048 to 8192 in steps of 256. Default 2048.</summary>
    public int? KeyBits { get; init; }

    /// <summary>
    /// A public bound W &gt; 0 on the examples behind an update: each party pre-multiplies its delta by min(n_k, W)/W and
    /// the mean divides by the accepted weights' sum, which is FedAvg's example-weighted mean when W is at least every
    /// party's examples. Default: none (every update counts once).
    /// </summary>
    public double? WeightCap { get; init; }

    /// <summary>The kinds' names as written in a configuration.</summary>
    public static IReadOnlyList<string> Names => [.. Enum.GetValues<ProtectionKind>().Select(k => k.ToString().ToLowerInvariant())];

    /// <summary>The secure aggregation quantisation in force.</summary>
    public FixedPointQuantization Quantization => new(Scale ?? FixedPointQuantization.Default.Scale, ClipBound ?? FixedPointQuantization.Default.ClipBound);

    /// <summary>The protection for <see cref="Horizontal.RoundEngineOptions.Protection"/>; null for none.</summary>
    public IUpdateProtection? CreateProtection() => Kind switch
    {
        ProtectionKind.None => null,
        ProtectionKind.SecAgg => new SecureAggregationProtection(Threshold, Quantization, WeightCap)
        {
            Variant = Variant == "secagg+" ? SecureAggregationVariant.SecAggPlus : SecureAggregationVariant.SecAgg,
            DropoutRate = DropoutRate ?? 0.1,
            CorruptionRate = CorruptionRate ?? 0.05,
            Authenticated = Authenticated ?? false,
        },
        ProtectionKind.Paillier => new PaillierProtection(new PartyId(KeyHolder!), KeyBits ?? PaillierPublicKey.DefaultBits, WeightCap),
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown protection."),
    };

    /// <summary>Checks every value; one message per problem, each naming its field under <c>protection.</c>.</summary>
    /// <param name="perRound">The number of parties sampled per round when known (simulations), to check the threshold and the overflow bound.</param>
    /// <param name="aggregation">The run's aggregation section: protection needs the plain mean without a norm bound.</param>
    public IReadOnlyList<string> Validate(int? perRound, Horizontal.Robust.AggregationOptions? aggregation)
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }

        var secagg = Kind == ProtectionKind.SecAgg;
        var paillier = Kind == ProtectionKind.Paillier;
        var name = Kind.ToString().ToLowerInvariant();
        Check(Enum.IsDefined(Kind), $"protection.kind must be one of {string.Join(", ", Names)}");
        Check(Threshold is null || secagg, $"protection.threshold is only valid for secagg, not {name}");
        Check(ClipBound is null || secagg, $"protection.clipBound is only valid for secagg, not {name}");
        Check(Scale is null || secagg, $"protection.scale is only valid for secagg, not {name}");
        Check(Variant is null || secagg, $"protection.variant is only valid for secagg, not {name}");
        Check(DropoutRate is null || secagg, $"protection.dropoutRate is only valid for secagg, not {name}");
        Check(CorruptionRate is null || secagg, $"protection.corruptionRate is only valid for secagg, not {name}");
        Check(Authenticated is null || secagg, $"protection.authenticated is only valid for secagg, not {name}");
        Check(KeyHolder is null || paillier, $"protection.keyHolder is only valid for paillier, not {name}");
        Check(KeyBits is null || paillier, $"protection.keyBits is only valid for paillier, not {name}");
        Check(WeightCap is null || Kind != ProtectionKind.None, "protection.weightCap is only valid for secagg and paillier");
        if (Kind == ProtectionKind.None)
        {
            return errors;
        }

        Check(WeightCap is null || (WeightCap >= 1 && double.IsFinite(WeightCap.Value)), $"protection.weightCap must be a number of examples, at least 1, got {WeightCap}");

        var rule = aggregation?.Rule ?? Horizontal.Robust.AggregationRule.Mean;
        Check(
            rule == Horizontal.Robust.AggregationRule.Mean,
            $"protection {name} hides the individual updates, which aggregation.rule {Horizontal.Robust.AggregationOptions.Name(rule)} needs; use mean");
        Check(aggregation?.NormBound is null, $"protection {name} hides the individual updates, so the coordinator cannot bound their norms (aggregation.normBound)");
        Check(perRound is null or >= 2, $"protection {name} needs at least 2 parties per round (a sum of one update is that update), but {perRound} are sampled");
        if (secagg)
        {
            Check(Threshold is null or >= 2, $"protection.threshold must be at least 2, got {Threshold}");
            Check(Threshold is null || perRound is null || Threshold <= perRound, $"protection.threshold ({Threshold}) exceeds the {perRound} parties sampled per round");
            Check(ClipBound is null || (ClipBound > 0 && double.IsFinite(ClipBound.Value)), $"protection.clipBound must be a positive number, got {ClipBound}");
            Check(Scale is null || (Scale > 0 && double.IsFinite(Scale.Value)), $"protection.scale must be a positive number, got {Scale}");
            Check(Variant is null or "secagg" or "secagg+", $"protection.variant must be secagg or secagg+, got {Variant}");
            Check(DropoutRate is null or (>= 0 and < 1), $"protection.dropoutRate must be in [0, 1), got {DropoutRate}");
            Check(CorruptionRate is null or (>= 0 and < 1), $"protection.corruptionRate must be in [0, 1), got {CorruptionRate}");
            var ratesValid = DropoutRate is null or (>= 0 and < 1) && CorruptionRate is null or (>= 0 and < 1);
            var chosen = Variant == "secagg+" || Authenticated == true;
            if (perRound is >= 2 && chosen && ratesValid)
            {
                var kind = Variant == "secagg+" ? SecureAggregationVariant.SecAggPlus : SecureAggregationVariant.SecAgg;
                if (SecureAggregationParameters.Choose(kind, perRound.Value, DropoutRate ?? 0.1, CorruptionRate ?? 0.05, Authenticated ?? false).Error is { } impossible)
                {
                    errors.Add($"protection: {impossible}");
                }
            }
            if (Quantization.OverflowError(perRound ?? 2) is { } overflow)
            {
                errors.Add($"protection: {overflow}");
            }
        }

        if (paillier)
        {
            Check(!string.IsNullOrWhiteSpace(KeyHolder), "protection.keyHolder is required for paillier: the party that holds the private key (never the coordinator)");
            Check(string.IsNullOrWhiteSpace(KeyHolder) || PartyId.IsValid(KeyHolder), $"protection.keyHolder must be a party id: {PartyId.Rule}");
            Check(
                KeyBits is null || (KeyBits >= PaillierPublicKey.MinimumBits && KeyBits <= PaillierPublicKey.MaximumBits && KeyBits % 256 == 0),
                $"protection.keyBits must be {PaillierPublicKey.MinimumBits} to {PaillierPublicKey.MaximumBits} in steps of 256, got {KeyBits}");
        }

        return errors;
    }
}
