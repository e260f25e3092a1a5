using Causeway.Core.Training;
using Causeway.Privacy.Accounting;

namespace Causeway.Privacy.Tests.Accounting;

public sealed class DpSgdStepsTests
{
    [Theory]
    [InlineData(1000, 32, 3, 0.032, 96)]   // ⌈1000/32⌉ = 32 steps per epoch, the last with 8 examples.
    [InlineData(1024, 32, 2, 0.03125, 64)]
    [InlineData(300, 0, 4, 1.0, 4)]        // full batch: one step per epoch, every example in it.
    [InlineData(300, 500, 2, 1.0, 2)]      // a batch larger than the data is the whole data.
    [InlineData(1, 1, 1, 1.0, 1)]
    public void For_RowsBatchEpochs_RateBOverNAndEpochsTimesCeilingSteps(int rows, int batchSize, int epochs, double rate, long steps)
    {
        var round = DpSgdSteps.For(rows, batchSize, epochs, 1.1);

        Assert.Equal(1.1, round.NoiseMultiplier);
        Assert.Equal(rate, round.SamplingRate, 1e-15);
        Assert.Equal(steps, round.Steps);
    }

    [Fact]
    public void For_Plan_UsesItsBatchEpochsAndNoiseMultiplier()
    {
        var plan = new TrainingPlan { Epochs = 5, BatchSize = 64, DpSgd = new DpSgd { ClipNorm = 1, NoiseMultiplier = 0.8 } };

        var round = DpSgdSteps.For(plan, 6000);

        Assert.Equal(0.8, round.NoiseMultiplier);
        Assert.Equal(64.0 / 6000, round.SamplingRate, 1e-15);
        Assert.Equal(5 * 94, round.Steps);
    }

    [Fact]
    public void For_TfPrivacyMnistSettings_EpsilonJustAboveThePublishedFigure()
    {
        // TF-Privacy's MNIST tutorial (60,000 examples, batch 256, σ = 1.12, 60 epochs) publishes ε = 2.92 at δ = 1e-5
        // for 60·⌊60000/256⌋ = 14,040 steps; LocalTrainer also runs the partial last batch: 60·235 = 14,100 steps.
        var round = DpSgdSteps.For(60_000, 256, 60, 1.12);
        var spent = new RdpAccountant(1e-5).Add(round);

        Assert.Equal(14_100, round.Steps);
        Assert.InRange(spent.Epsilon, 2.92, 2.94);
    }

    [Fact]
    public void For_PlanWithoutDpSgd_ThrowsNamingThePlan()
    {
        var error = Assert.Throws<ArgumentException>("plan", () => DpSgdSteps.For(new TrainingPlan(), 100));
        Assert.Contains("DP-SGD", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 32, 1)]
    [InlineData(100, -1, 1)]
    [InlineData(100, 32, 0)]
    public void For_BadCounts_Throw(int rows, int batchSize, int epochs)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DpSgdSteps.For(rows, batchSize, epochs, 1.0));
    }
}
