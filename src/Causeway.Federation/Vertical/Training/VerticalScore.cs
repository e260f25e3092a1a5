namespace Causeway.Federation.Vertical.Training;

/// <summary>One trained model's held-out quality in a vertical simulation.</summary>
/// <param name="Model">What was trained, e.g. <c>centralized</c>, <c>vertical (plain)</c>, <c>vertical (arbiter, 2048-bit)</c>.</param>
/// <param name="TrainRows">Training rows used.</param>
/// <param name="Accuracy">Test accuracy at threshold 0.5.</param>
/// <param name="Auc">Test ROC AUC.</param>
/// <param name="Seconds">Training wall time.</param>
public sealed record VerticalScore(string Model, int TrainRows, double Accuracy, double Auc, double Seconds);
