namespace Causeway.Federation.Horizontal.DifferentialPrivacy;

/// <summary>The privacy a run has spent after one round, as reported in its summary, the control API and the store.</summary>
/// <param name="ClientEpsilon">Client-level ε of DP-FedAvg after this round; null when client-level DP is off.</param>
/// <param name="SampleEpsilon">The largest sample-level ε of DP-SGD over the parties after this round; null when DP-SGD is off.</param>
/// <param name="Delta">δ of both guarantees.</param>
/// <param name="ClipNorm">The client-level clip norm S this round used; null when client-level DP is off.</param>
/// <param name="NoiseMultiplier">Client-level σ charged this round; null when client-level DP is off.</param>
/// <param name="SamplingRate">Client-level q = selected / available parties; null when client-level DP is off.</param>
/// <param name="Conversion">The RDP→(ε, δ) conversion, as written in a configuration ("classic", "balle2020").</param>
public sealed record RoundPrivacy(
    double? ClientEpsilon,
    double? SampleEpsilon,
    double Delta,
    double? ClipNorm,
    double? NoiseMultiplier,
    double? SamplingRate,
    string Conversion);
