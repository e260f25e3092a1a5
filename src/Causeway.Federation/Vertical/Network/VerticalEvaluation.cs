namespace Causeway.Federation.Vertical.Network;

/// <summary>The model's scores on the held-out rows, as the guest computed them: accuracy, ROC AUC and mean log loss (logistic), or RMSE in <paramref name="Loss"/> (squared; accuracy and AUC 0).</summary>
public sealed record VerticalEvaluation(int Rows, double Accuracy, double Auc, double Loss);
