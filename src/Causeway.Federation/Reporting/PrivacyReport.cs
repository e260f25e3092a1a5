namespace Causeway.Federation.Reporting;

/// <summary>What a differentially private run spent in all, in a <see cref="RunReport"/>.</summary>
/// <param name="Epsilon">Client-level ε (DP-FedAvg); null without client-level DP.</param>
/// <param name="SampleEpsilon">The worst party's sample-level ε (DP-SGD); null without DP-SGD.</param>
/// <param name="Delta">δ of both.</param>
/// <param name="Conversion">The RDP→(ε, δ) conversion used ("classic" or "balle2020").</param>
public sealed record PrivacyReport(double? Epsilon, double? SampleEpsilon, double Delta, string Conversion);
