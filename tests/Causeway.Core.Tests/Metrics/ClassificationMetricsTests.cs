using Causeway.Core.Metrics;

namespace Causeway.Core.Tests.Metrics;

public sealed class ClassificationMetricsTests
{
    [Fact]
    public void RocAuc_TiedScores_CountTiesAsHalf()
    {
        // Positives score 0.35, 0.8, 0.4; negatives 0.1, 0.4. Of the 6 pairs the positive wins 4 and ties 1 (0.4 vs 0.4).
        float[] scores = [0.1f, 0.4f, 0.35f, 0.8f, 0.4f];
        float[] labels = [0, 0, 1, 1, 1];

        Assert.Equal(4.5 / 6, ClassificationMetrics.RocAuc(scores, labels), 12);
    }

    [Fact]
    public void RocAuc_PerfectAndReversedRanking_OneAndZero()
    {
        Assert.Equal(1.0, ClassificationMetrics.RocAuc([0.1f, 0.2f, 0.8f, 0.9f], [0, 0, 1, 1]));
        Assert.Equal(0.0, ClassificationMetrics.RocAuc([0.9f, 0.8f, 0.2f, 0.1f], [0, 0, 1, 1]));
        Assert.Equal(0.5, ClassificationMetrics.RocAuc([0.3f, 0.3f, 0.3f, 0.3f], [0, 1, 0, 1]));
    }

    [Fact]
    public void RocAuc_OneClassOnly_NaN() =>
        Assert.True(double.IsNaN(ClassificationMetrics.RocAuc([0.2f, 0.7f], [1, 1])));

    [Fact]
    public void RocAuc_RandomScoresWithManyTies_MatchesPairwiseCount()
    {
        // Arrange: scores on a coarse grid so that ties are common.
        var random = new Random(3);
        var scores = new float[500];
        var labels = new float[500];
        for (var i = 0; i < scores.Length; i++)
        {
            labels[i] = random.Next(2);
            scores[i] = (random.Next(10) + (3 * labels[i])) / 13f;
        }

        double wins = 0;
        long pairs = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            for (var j = 0; j < scores.Length; j++)
            {
                if (labels[i] == 1 && labels[j] == 0)
                {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }

        // Act
        var auc = ClassificationMetrics.RocAuc(scores, labels);

        // Assert
        Assert.Equal(wins / pairs, auc, 12);
    }

    [Fact]
    public void F1AndAccuracy_MixedPredictions_HandComputed()
    {
        // Predicted (p ≥ 0.5): 1 1 0 0 1 against labels 1 0 1 0 1: TP 2, FP 1, FN 1, TN 1.
        float[] probabilities = [0.9f, 0.6f, 0.4f, 0.2f, 0.5f];
        float[] labels = [1, 0, 1, 0, 1];

        Assert.Equal(4.0 / 6, ClassificationMetrics.F1(probabilities, labels), 12);
        Assert.Equal(0.6, ClassificationMetrics.Accuracy(probabilities, labels), 12);
    }

    [Fact]
    public void F1_NoPositivesPredictedOrPresent_Zero() =>
        Assert.Equal(0.0, ClassificationMetrics.F1([0.1f, 0.2f], [0, 0]));

    [Fact]
    public void LogLoss_TwoRows_HandComputed()
    {
        // −(ln 0.9 + ln 0.8) / 2.
        Assert.Equal(0.1642520335, ClassificationMetrics.LogLoss([0.9f, 0.2f], [1, 0]), 7);
    }

    [Fact]
    public void LogLoss_CertainMistake_ClampedTo1e7()
    {
        Assert.Equal(-Math.Log(1e-7), ClassificationMetrics.LogLoss([0f], [1]), 9);
        Assert.Equal(-Math.Log(1e-7), ClassificationMetrics.LogLoss([1f], [0]), 6);
    }

    [Fact]
    public void MulticlassMetrics_ThreeRows_HandComputed()
    {
        // Arg-max per row: 0, 2, 0 (first of the tie) against labels 0, 1, 1: one correct.
        float[] probabilities = [0.7f, 0.2f, 0.1f, 0.1f, 0.3f, 0.6f, 0.5f, 0.5f, 0f];
        float[] labels = [0, 1, 1];

        Assert.Equal(1.0 / 3, ClassificationMetrics.MulticlassAccuracy(probabilities, 3, labels), 12);
        Assert.Equal((-Math.Log(0.7) - Math.Log(0.3) - Math.Log(0.5)) / 3, ClassificationMetrics.MulticlassLogLoss(probabilities, 3, labels), 6);
    }

    [Fact]
    public void Accuracy_LengthMismatch_Throws() =>
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Accuracy([0.5f], [1, 0]));
}
