namespace Causeway.Core.Metrics;

/// <summary>Regression metrics over predictions and targets; sums in double, in index order.</summary>
public static class RegressionMetrics
{
    /// <summary>The regression training loss: 0.5·mean((ŷ − y)²).</summary>
    public static double HalfMeanSquaredError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets) =>
        0.5 * MeanSquaredError(predictions, targets);

    /// <summary>Root mean squared error: √mean((ŷ − y)²).</summary>
    public static double Rmse(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets) =>
        Math.Sqrt(MeanSquaredError(predictions, targets));

    /// <summary>Mean absolute error: mean(|ŷ − y|).</summary>
    public static double Mae(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets)
    {
        RequirePairs(predictions.Length, targets.Length);
        double sum = 0;
        for (var i = 0; i < predictions.Length; i++)
        {
            sum += Math.Abs((double)predictions[i] - targets[i]);
        }

        return sum / predictions.Length;
    }

    private static double MeanSquaredError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets)
    {
        RequirePairs(predictions.Length, targets.Length);
        double sum = 0;
        for (var i = 0; i < predictions.Length; i++)
        {
            var error = (double)predictions[i] - targets[i];
            sum += error * error;
        }

        return sum / predictions.Length;
    }

    private static void RequirePairs(int predictions, int targets)
    {
        if (predictions != targets)
        {
            throw new ArgumentException($"{predictions} predictions for {targets} targets.");
        }

        if (targets == 0)
        {
            throw new ArgumentException("A metric needs at least one example.");
        }
    }
}
