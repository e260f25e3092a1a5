using System.Numerics.Tensors;
using Causeway.Core.Tensors;
using Causeway.Privacy.Mechanisms;

namespace Causeway.Federation.Horizontal.DifferentialPrivacy;

/// <summary>
/// Client-level DP-FedAvg for one run (McMahan et al. 2018, "Learning Differentially Private Recurrent Language
/// Models"), with fixed or adaptive clipping (Andrew et al. 2021) and the noise at the coordinator or at the parties.
/// </summary>
/// <remarks>
/// <para>
/// Each round, with m parties selected and k updates accepted: every update Δ_k is clipped to ‖Δ_k‖₂ ≤ S (by the
/// coordinator, or by the party when the noise is at the parties), the clipped updates are summed with weight 1 and
/// divided by m — not by k, so one party moves the average by at most S/m whatever the others do — and the average gets
/// Gaussian noise of standard deviation σ_Δ·S/m. With the noise at the parties each adds N(0, σ_Δ²S²/m) to its own
/// update and the coordinator adds the (m − k)/m share of the variance that dropped-out parties did not add.
/// </para>
/// <para>
/// Adaptive clipping: every update also yields a bit, 1 when its norm was ≤ S before clipping. The coordinator
/// releases the count of ones with Gaussian noise σ_b and moves S ← S·exp(−η·(b̄ − γ)) with b̄ = noisy count / m.
/// Releasing the count costs privacy too, so the update noise is raised to σ_Δ = (σ⁻² − (2σ_b)⁻²)^(−1/2) and the pair
/// of releases together is the Gaussian mechanism with multiplier σ (Andrew et al., Theorem 1): the accountant
/// charges σ per round either way.
/// </para>
/// <para>Not thread-safe: the round engine uses it from its own loop; the aggregation it begins follows <see cref="IAggregation"/>'s rules.</para>
/// </remarks>
public sealed class ClientPrivacy
{
    private readonly ClientPrivacyOptions _options;
    private readonly Func<NoiseSource> _noise;

    /// <param name="options">The validated <c>privacy.client</c> section.</param>
    /// <param name="noise">Makes the coordinator's noise source; default <see cref="NoiseSource.Create"/> (a CSPRNG).</param>
    public ClientPrivacy(ClientPrivacyOptions options, Func<NoiseSource>? noise = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _noise = noise ?? NoiseSource.Create;
        ClipNorm = options.ClipNorm ?? options.AdaptiveClipping!.EffectiveInitialNorm;
    }

    /// <summary>σ, the noise multiplier the accountant charges per round.</summary>
    public double NoiseMultiplier => _options.NoiseMultiplier;

    /// <summary>S for the next round (fixed, or where adaptive clipping has moved it).</summary>
    public double ClipNorm { get; private set; }

    public NoisePlacement Placement => _options.Noise;

    /// <summary>σ_Δ = (σ⁻² − (2σ_b)⁻²)^(−1/2): the update noise multiplier that leaves σ for the pair of releases; +∞ when 2σ_b ≤ σ.</summary>
    public static double UpdateNoiseMultiplier(double noiseMultiplier, double countNoise)
    {
        if (noiseMultiplier == 0)
        {
            return 0;
        }

        var remaining = (1 / (noiseMultiplier * noiseMultiplier)) - (1 / (4 * countNoise * countNoise));
        return remaining > 0 ? 1 / Math.Sqrt(remaining) : double.PositiveInfinity;
    }

    /// <summary>Restores S from a checkpoint (adaptive clipping moves it between rounds).</summary>
    public void RestoreClipNorm(double clipNorm)
    {
        if (!(clipNorm > 0 && double.IsFinite(clipNorm)))
        {
            throw new ArgumentOutOfRangeException(nameof(clipNorm), clipNorm, "The clip norm must be a positive number.");
        }

        ClipNorm = clipNorm;
    }

    /// <summary>What each of the <paramref name="selected"/> parties must do to its delta this round; null when the coordinator does it all.</summary>
    public UpdatePrivacy? ForParties(int selected)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(selected);
        return _options.Noise == NoisePlacement.Parties
            ? new UpdatePrivacy(ClipNorm, UpdateNoise(selected) * ClipNorm / Math.Sqrt(selected))
            : null;
    }

    /// <summary>Wraps a round's uniform-mean aggregation so that it clips, rescales to the fixed denominator and adds the noise.</summary>
    /// <param name="uniformMean">The inner aggregation: must weight every update 1.</param>
    /// <param name="selected">m, the parties selected this round.</param>
    public ClientPrivacyAggregation Begin(IAggregation uniformMean, int selected)
    {
        ArgumentNullException.ThrowIfNull(uniformMean);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(selected);
        return new ClientPrivacyAggregation(this, uniformMean, selected);
    }

    /// <summary>
    /// Releases a round whose updates the parties clipped and noised themselves and a protection (secure aggregation,
    /// Paillier) summed without showing them: turns their uniform mean over the <paramref name="accepted"/> into the sum
    /// over the <paramref name="selected"/> divided by m, and adds the noise share of the parties whose update is not in it.
    /// </summary>
    /// <param name="uniformMean">The protection's uniform mean of the accepted updates; scaled in place and returned.</param>
    /// <param name="accepted">k, the updates in the protected sum.</param>
    /// <param name="selected">m, the parties selected this round.</param>
    public ParameterSet Release(ParameterSet uniformMean, int accepted, int selected)
    {
        ArgumentNullException.ThrowIfNull(uniformMean);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(accepted);
        ArgumentOutOfRangeException.ThrowIfLessThan(selected, accepted);
        if (_options.Noise != NoisePlacement.Parties)
        {
            throw new InvalidOperationException("Only parties that noise their own updates can be released from a protected sum.");
        }

        Finish(uniformMean.Values, accepted, selected, ClipNorm);
        return uniformMean;
    }

    /// <summary>Uniform mean over the accepted → sum over the selected / m, plus the noise the placement leaves to the coordinator.</summary>
    internal void Finish(Span<float> values, int accepted, int selected, double clipNorm)
    {
        TensorPrimitives.Multiply(values, (float)((double)accepted / selected), values);
        var sigma = UpdateNoise(selected) * clipNorm / selected;
        if (_options.Noise == NoisePlacement.Parties)
        {
            // The accepted parties added k/m of the variance; add the dropped-out parties' share.
            sigma *= Math.Sqrt((double)(selected - accepted) / selected);
        }

        if (sigma > 0)
        {
            using var noise = _noise();
            noise.AddGaussianNoise(values, sigma);
        }
    }

    /// <summary>After a round closes, moves S by the noised share of updates that were within it (adaptive clipping only).</summary>
    internal void EndRound(ClientPrivacyAggregation round)
    {
        if (_options.AdaptiveClipping is not { } adaptive || round.Count == 0)
        {
            return;
        }

        var countNoise = adaptive.EffectiveCountNoise(round.Selected);
        using var noise = _noise();
        var noisyShare = (round.WithinClip + (countNoise * noise.NextStandardNormal())) / round.Selected;
        ClipNorm *= Math.Exp(-adaptive.EffectiveLearningRate * (noisyShare - adaptive.EffectiveTargetQuantile));
    }

    /// <summary>σ_Δ for <paramref name="selected"/> parties per round.</summary>
    internal double UpdateNoise(int selected) =>
        _options.AdaptiveClipping is { } adaptive
            ? UpdateNoiseMultiplier(_options.NoiseMultiplier, adaptive.EffectiveCountNoise(selected))
            : _options.NoiseMultiplier;
}

/// <summary>One round of <see cref="ClientPrivacy"/>: see there for the arithmetic.</summary>
public sealed class ClientPrivacyAggregation : IAggregation
{
    private readonly ClientPrivacy _privacy;
    private readonly IAggregation _inner;
    private readonly double _clipNorm;

    internal ClientPrivacyAggregation(ClientPrivacy privacy, IAggregation inner, int selected)
    {
        _privacy = privacy;
        _inner = inner;
        _clipNorm = privacy.ClipNorm;
        Selected = selected;
    }

    /// <summary>m, the parties selected: the fixed denominator.</summary>
    public int Selected { get; }

    /// <summary>How many accepted updates were within the clip norm before clipping.</summary>
    public int WithinClip { get; private set; }

    public int Count => _inner.Count;

    public string? Problem => _inner.Problem;

    public void Accept(PartyUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (_privacy.Placement == NoisePlacement.Coordinator)
        {
            var norm = L2Clipping.Clip(update.Delta.Values, _clipNorm);
            WithinClip += norm <= _clipNorm ? 1 : 0;
        }
        else
        {
            // The party clipped and noised; its bit says whether clipping changed anything. A missing bit counts as clipped.
            WithinClip += update.WithinClip == true ? 1 : 0;
        }

        _inner.Accept(update);
    }

    public ParameterSet Complete()
    {
        var accepted = Count;
        var average = _inner.Complete();
        _privacy.Finish(average.Values, accepted, Selected, _clipNorm);
        _privacy.EndRound(this);
        return average;
    }
}
