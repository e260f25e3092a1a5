namespace Causeway.Core.Metrics;

/// <summary>
/// Quality of a model on a dataset. Classification fills accuracy (and, for binary tasks, ROC AUC, F1 and the score
/// histogram they combine from over parties); regression fills RMSE and MAE. Loss is the task's training loss, averaged
/// over examples.
/// </summary>
public sealed record Evaluation(
    int Examples,
    double Loss,
    double? Accuracy = null,
    double? RocAuc = null,
    double? F1 = null,
    double? Rmse = null,
    double? Mae = null,
    ScoreHistogram? Scores = null);
