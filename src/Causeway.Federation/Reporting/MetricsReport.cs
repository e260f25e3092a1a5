namespace Causeway.Federation.Reporting;

/// <summary>A model's quality in a <see cref="RunReport"/>: loss always; accuracy, ROC AUC and F1 for classification (AUC and F1 binary only); RMSE for regression.</summary>
public sealed record MetricsReport(double? Accuracy, double Loss, double? RocAuc = null, double? F1 = null, double? Rmse = null);
