using Causeway.Core.Data;
using Causeway.Core.Metrics;
using Causeway.Core.Models;
using Causeway.Core.Tensors;

namespace Causeway.Core.Tests.Metrics;

public sealed class ModelEvaluatorTests
{
    [Fact]
    public void Evaluate_Binary_AllBinaryMetrics()
    {
        // Arrange: p = σ(x) for x = −2, 0, 3 = 0.1192, 0.5, 0.9526 with labels 0, 1, 1.
        var network = new DenseNetwork(ModelSpec.LogisticRegression(1));
        var parameters = new ParameterSet(network.Layout, [1f, 0f]);
        var data = new TabularData([-2f, 0f, 3f], [0f, 1f, 1f], 1);

        // Act
        var evaluation = ModelEvaluator.Evaluate(network, parameters, data);

        // Assert: log loss = −(ln(1 − 0.1192) + ln 0.5 + ln 0.9526) / 3.
        Assert.Equal(3, evaluation.Examples);
        Assert.Equal(0.2895541811, evaluation.Loss, 6);
        Assert.Equal(1.0, evaluation.Accuracy);
        Assert.Equal(1.0, evaluation.RocAuc);
        Assert.Equal(1.0, evaluation.F1);
        Assert.Null(evaluation.Rmse);
    }

    [Fact]
    public void Evaluate_BinaryWithOneClass_AucIsNull()
    {
        var network = new DenseNetwork(ModelSpec.LogisticRegression(1));
        var data = new TabularData([-2f, 3f], [1f, 1f], 1);

        var evaluation = ModelEvaluator.Evaluate(network, new ParameterSet(network.Layout, [1f, 0f]), data);

        Assert.Null(evaluation.RocAuc);
        Assert.Equal(0.5, evaluation.Accuracy);
    }

    [Fact]
    public void Evaluate_Regression_LossRmseMae()
    {
        // Arrange: ŷ = 2x + 1 = 1, 3, 5 against 1, 3, 6: errors 0, 0, −1.
        var network = new DenseNetwork(ModelSpec.LinearRegression(1));
        var parameters = new ParameterSet(network.Layout, [2f, 1f]);
        var data = new TabularData([0f, 1f, 2f], [1f, 3f, 6f], 1);

        // Act
        var evaluation = ModelEvaluator.Evaluate(network, parameters, data);

        // Assert
        Assert.Equal(0.5 / 3, evaluation.Loss, 7);
        Assert.Equal(Math.Sqrt(1.0 / 3), evaluation.Rmse!.Value, 7);
        Assert.Equal(1.0 / 3, evaluation.Mae!.Value, 7);
        Assert.Null(evaluation.Accuracy);
    }

    [Fact]
    public void Evaluate_Multiclass_AccuracyAndLogLoss()
    {
        // Arrange: softmax regression whose biases alone decide: logits (ln 0.7, ln 0.2, ln 0.1) for every row.
        var network = new DenseNetwork(ModelSpec.SoftmaxRegression(1, 3));
        var parameters = new ParameterSet(network.Layout, [0f, 0f, 0f, MathF.Log(0.7f), MathF.Log(0.2f), MathF.Log(0.1f)]);
        var data = new TabularData([5f, -5f], [0f, 2f], 1);

        // Act
        var evaluation = ModelEvaluator.Evaluate(network, parameters, data);

        // Assert
        Assert.Equal(0.5, evaluation.Accuracy);
        Assert.Equal((-Math.Log(0.7) - Math.Log(0.1)) / 2, evaluation.Loss, 6);
        Assert.Null(evaluation.RocAuc);
    }
}
