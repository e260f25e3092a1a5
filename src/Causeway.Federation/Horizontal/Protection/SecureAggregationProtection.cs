using Causeway.Privacy.SecureAggregation;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>
/// Secure aggregation (Bonawitz et al. 2017, or SecAgg+ of Bell et al. 2020 with <see cref="Variant"/>; see
/// <c>Causeway.Privacy.SecureAggregation</c>) mapped onto a round: rounds 0–1 (advertise keys, share keys) before
/// training, round 2 (masked input) is the train task, the consistency round (when <see cref="Authenticated"/>) and
/// unmasking after collection. The coordinator learns the sum of the surviving parties' clipped, quantised deltas and
/// nothing else about any single one.
/// </summary>
/// <remarks>
/// Each party clips every coordinate of its delta to ±<see cref="Quantization"/>.ClipBound and quantises it with scale S
/// into Z_2^32; the mean is (Σ q_k mod 2^32, read as int32) / S / K for the K surviving updates, so it differs from the
/// plain mean by at most 1/(2S) per coordinate (plus the clipping). Updates count uniformly, or by their public bounded
/// weight (<see cref="WeightCap"/>). The graph degree and threshold come from <see cref="SecureAggregationParameters.Choose"/>
/// for each round's selected parties and the stated <see cref="DropoutRate"/> and <see cref="CorruptionRate"/>, except
/// that plain SecAgg with a semi-honest coordinator keeps its majority threshold unless <see cref="Threshold"/> says otherwise.
/// </remarks>
/// <param name="Threshold">t, or null for the chosen one.</param>
/// <param name="Quantization">The ring encoding of the deltas.</param>
/// <param name="WeightCap">The public weight bound (<see cref="UpdateWeight"/>); null weights updates uniformly.</param>
public sealed record SecureAggregationProtection(int? Threshold, FixedPointQuantization Quantization, double? WeightCap = null) : IUpdateProtection
{
    /// <summary>SecAgg (every party masks with every other) or SecAgg+ (O(log N) neighbours). Default SecAgg.</summary>
    public SecureAggregationVariant Variant { get; init; } = SecureAggregationVariant.SecAgg;

    /// <summary>The stated fraction of a round's parties that may drop, δ ∈ [0, 1). Default 0.1.</summary>
    public double DropoutRate { get; init; } = 0.1;

    /// <summary>The stated fraction that may collude with the coordinator, γ ∈ [0, 1). Default 0.05.</summary>
    public double CorruptionRate { get; init; } = 0.05;

    /// <summary>
    /// Against a coordinator that may lie: parties sign their keys with their certificate's key and check the signed
    /// survivor list before unmasking. Needs every selected party's client certificate. Default false.
    /// </summary>
    public bool Authenticated { get; init; }

    public string Name => "secagg";

    public IProtectedRound Begin(ProtectedRoundContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new SecureAggregationProtectedRound(this, context);
    }

    /// <summary>The session options for <paramref name="selected"/> parties, or why none can run.</summary>
    public (SecureAggregationOptions? Options, SecureAggregationParameters? Parameters, string? Problem) OptionsFor(string session, int selected, int length)
    {
        SecureAggregationParameters? parameters = null;
        int threshold;
        int? degree = null;
        if (Variant == SecureAggregationVariant.SecAgg && !Authenticated)
        {
            threshold = Threshold ?? SecureAggregationOptions.MajorityThreshold(selected);
        }
        else
        {
            var (chosen, problem) = SecureAggregationParameters.Choose(Variant, selected, DropoutRate, CorruptionRate, Authenticated);
            if (chosen is null)
            {
                return (null, null, problem);
            }

            parameters = chosen;
            threshold = Threshold ?? chosen.Threshold;
            degree = chosen.OptionsDegree;
        }

        var options = new SecureAggregationOptions(session, selected, threshold, length, Quantization, degree, Authenticated);
        var errors = options.Validate();
        return errors.Count > 0 ? (null, parameters, string.Join(" ", errors)) : (options, parameters, null);
    }
}
