namespace Causeway.Coordinator.Storage;

/// <summary>One release of differentially private statistics, as charged to its run's budget.</summary>
/// <param name="Mechanism">"laplace" or "gaussian".</param>
/// <param name="Epsilon">ε &gt; 0 of the release.</param>
/// <param name="Delta">δ ≥ 0 of the release (0 for Laplace).</param>
/// <param name="ReleasedAt">When it was released.</param>
public sealed record StatisticsReleaseCost(string Mechanism, double Epsilon, double Delta, DateTimeOffset ReleasedAt);
