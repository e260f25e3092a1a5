namespace Causeway.Core.Models;

/// <summary>Turns a network's outputs for one row into its prediction.</summary>
public static class ModelOutputs
{
    /// <summary>
    /// The predicted class index (probability of class 1 at least 0.5 for a binary model; the most probable class,
    /// lowest index on ties, for a multiclass one) or, for regression, the predicted value.
    /// </summary>
    public static double Predict(ModelSpec spec, ReadOnlySpan<float> row)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (row.Length != spec.Outputs)
        {
            throw new ArgumentException($"A {spec.DisplayName} has {spec.Outputs} outputs, not {row.Length}.", nameof(row));
        }

        switch (spec.Task)
        {
            case LearningTask.BinaryClassification:
                return row[0] >= 0.5f ? 1 : 0;
            case LearningTask.MulticlassClassification:
                var best = 0;
                for (var k = 1; k < row.Length; k++)
                {
                    best = row[k] > row[best] ? k : best;
                }

                return best;
            default:
                return row[0];
        }
    }
}
