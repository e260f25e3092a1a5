namespace Causeway.Coordinator.Statistics;

/// <summary>Noisy counts and category histograms of a run's merged feature statistics, with the guarantee they carry.</summary>
/// <param name="Mechanism">"laplace" or "gaussian".</param>
/// <param name="Epsilon">ε of this release.</param>
/// <param name="Delta">δ of this release (0 for Laplace).</param>
/// <param name="Sensitivity">How much one row can change the released vector: L1 for Laplace, L2 for Gaussian.</param>
/// <param name="NoiseStandardDeviation">The standard deviation of the noise on each value (√2·b for Laplace, σ for Gaussian).</param>
/// <param name="Rows">The noisy number of rows over all parties.</param>
/// <param name="Counts">Per numeric column released, the noisy number of non-missing values.</param>
/// <param name="Histograms">Per categorical column released, the noisy number of rows in each category.</param>
public sealed record ReleasedStatistics(
    string Mechanism,
    double Epsilon,
    double Delta,
    double Sensitivity,
    double NoiseStandardDeviation,
    double Rows,
    IReadOnlyList<ReleasedCount> Counts,
    IReadOnlyList<ReleasedHistogram> Histograms);

/// <summary>A numeric column's noisy count of non-missing values.</summary>
public sealed record ReleasedCount(string Column, double Count);

/// <summary>A categorical column's noisy category counts, in the schema's category order.</summary>
public sealed record ReleasedHistogram(string Column, IReadOnlyList<ReleasedCategory> Categories);

/// <summary>One category's noisy row count.</summary>
public sealed record ReleasedCategory(string Category, double Count);
