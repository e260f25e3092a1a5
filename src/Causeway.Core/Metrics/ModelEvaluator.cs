using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Core.Tensors;

namespace Causeway.Core.Metrics;

/// <summary>Scores a model on a dataset with the metrics its task calls for.</summary>
public static class ModelEvaluator
{
    /// <summary>
    /// Predicts every row and returns: binary — log loss, accuracy at 0.5, ROC AUC (null when one class is absent), F1 of
    /// class 1 and the score histogram; multiclass — log loss and accuracy; regression — loss (0.5·MSE), RMSE and MAE.
    /// </summary>
    /// <remarks>Uses <paramref name="network"/>'s scratch buffers, so it shares the network's lack of thread-safety.</remarks>
    public static Evaluation Evaluate(DenseNetwork network, ParameterSet parameters, TabularData data)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Columns != network.Spec.Inputs)
        {
            throw new ArgumentException($"The data has {data.Columns} columns but the model takes {network.Spec.Inputs} inputs.", nameof(data));
        }

        if (data.Rows == 0)
        {
            throw new ArgumentException("There are no examples to evaluate on.", nameof(data));
        }

        var spec = network.Spec;
        var outputs = new float[(long)data.Rows * spec.Outputs];
        network.Predict(parameters, data.Features, data.Rows, outputs);
        var labels = data.Labels.AsSpan();
        switch (spec.Task)
        {
            case LearningTask.BinaryClassification:
                var auc = ClassificationMetrics.RocAuc(outputs, labels);
                return new Evaluation(
                    data.Rows,
                    ClassificationMetrics.LogLoss(outputs, labels),
                    Accuracy: ClassificationMetrics.Accuracy(outputs, labels),
                    RocAuc: double.IsNaN(auc) ? null : auc,
                    F1: ClassificationMetrics.F1(outputs, labels),
                    Scores: ScoreHistogram.Of(outputs, labels));
            case LearningTask.MulticlassClassification:
                return new Evaluation(
                    data.Rows,
                    ClassificationMetrics.MulticlassLogLoss(outputs, spec.Outputs, labels),
                    Accuracy: ClassificationMetrics.MulticlassAccuracy(outputs, spec.Outputs, labels));
            default:
                return new Evaluation(
                    data.Rows,
                    RegressionMetrics.HalfMeanSquaredError(outputs, labels),
                    Rmse: RegressionMetrics.Rmse(outputs, labels),
                    Mae: RegressionMetrics.Mae(outputs, labels));
        }
    }
}
