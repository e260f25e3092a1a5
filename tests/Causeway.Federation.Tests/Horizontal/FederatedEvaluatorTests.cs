using Causeway.Core.Metrics;
using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Tests.Horizontal;

public sealed class FederatedEvaluatorTests
{
    [Fact]
    public void Combine_TwoParties_ExampleWeightedMeans()
    {
        var combined = FederatedEvaluator.Combine(
        [
            new Evaluation(100, 0.5, Accuracy: 0.9, RocAuc: 0.8),
            null,
            new Evaluation(300, 0.1, Accuracy: 0.5),
        ]);

        Assert.NotNull(combined);
        Assert.Equal(400, combined.Examples);
        Assert.Equal(((100 * 0.5) + (300 * 0.1)) / 400, combined.Loss, 1e-12);
        Assert.Equal(((100 * 0.9) + (300 * 0.5)) / 400, combined.Accuracy!.Value, 1e-12);
        Assert.Null(combined.RocAuc);
    }

    [Fact]
    public void Combine_BinaryParties_AucAndF1OfTheUnionFromSummedHistograms_NotAMeanOfPartyAucs()
    {
        // Each party ranks its own rows perfectly (AUC 1), but party b's scores are all below party a's, so over the union
        // b's positives rank under a's negatives.
        float[] aScores = [0.7f, 0.8f, 0.9f, 0.95f], aLabels = [0, 0, 1, 1];
        float[] bScores = [0.1f, 0.2f, 0.3f, 0.6f], bLabels = [0, 0, 1, 1];
        var a = new Evaluation(4, 0.3, Accuracy: 0.5, RocAuc: 1, Scores: ScoreHistogram.Of(aScores, aLabels));
        var b = new Evaluation(4, 0.3, Accuracy: 0.75, RocAuc: 1, Scores: ScoreHistogram.Of(bScores, bLabels));

        var combined = FederatedEvaluator.Combine([a, b])!;

        float[] scores = [.. aScores, .. bScores], labels = [.. aLabels, .. bLabels];
        Assert.Equal(ClassificationMetrics.RocAuc(scores, labels), combined.RocAuc!.Value, 1e-12);
        Assert.NotEqual(1.0, combined.RocAuc.Value);
        Assert.Equal(ClassificationMetrics.F1(scores, labels), combined.F1!.Value, 1e-12);
        Assert.Null(FederatedEvaluator.Combine([a, b with { Scores = null }])!.RocAuc);
    }

    [Fact]
    public void Combine_Regression_RmseFromWeightedSquares()
    {
        var combined = FederatedEvaluator.Combine([new Evaluation(1, 2, Rmse: 1, Mae: 1), new Evaluation(3, 2, Rmse: 3, Mae: 2)]);

        Assert.Equal(Math.Sqrt(((1 * 1) + (3 * 9)) / 4.0), combined!.Rmse!.Value, 1e-12);
        Assert.Equal(1.75, combined.Mae!.Value, 1e-12);
    }

    [Fact]
    public async Task EvaluateAsync_SilentAndThrowingParties_Skipped()
    {
        var channel = new FakeChannel((_, _, _) => throw new NotSupportedException())
        {
            Evaluate = (party, _) => party.Value switch
            {
                "party-000" => new Evaluation(10, 1.0, Accuracy: 1.0),
                "party-001" => throw new IOException("gone"),
                _ => null,
            },
        };
        var evaluator = new FederatedEvaluator(channel, TestData.Parties(3), TimeSpan.FromSeconds(5));

        var evaluation = await evaluator.EvaluateAsync(new ParameterSet(TestData.Layout()), TestData.Round(), CancellationToken.None);

        Assert.Equal(new Evaluation(10, 1.0, Accuracy: 1.0), evaluation!.Combined);

        // Only the party that answered has figures of its own.
        Assert.Equal([new PartyEvaluation(new PartyId("party-000"), new Evaluation(10, 1.0, Accuracy: 1.0))], evaluation.Parties);
    }
}
