namespace Causeway.Privacy.Accounting;

/// <summary>An (ε, δ) guarantee obtained from an RDP curve.</summary>
/// <param name="Epsilon">ε; +∞ when no tracked order gives a finite bound (e.g. noise multiplier 0).</param>
/// <param name="Delta">δ, as requested.</param>
/// <param name="Order">The Rényi order α that gave the smallest ε (NaN when ε is +∞).</param>
/// <param name="Conversion">The RDP→(ε, δ) bound used.</param>
public sealed record PrivacySpent(double Epsilon, double Delta, double Order, RdpConversion Conversion);
