namespace Causeway.Federation.Reporting;

/// <summary>A model's accuracy (null for regression) and loss in a <see cref="RunReport"/>.</summary>
public sealed record MetricsReport(double? Accuracy, double Loss);
