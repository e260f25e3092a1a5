using Causeway.Federation.Vertical.Training;

namespace Causeway.Federation.Tests.Vertical.Training;

public sealed class HeteroLinearTrainingTests
{
    [Theory]
    [InlineData(VerticalEncryption.Arbiter, VerticalLoss.TaylorLogistic)]
    [InlineData(VerticalEncryption.TwoParty, VerticalLoss.TaylorLogistic)]
    [InlineData(VerticalEncryption.Arbiter, VerticalLoss.Squared)]
    [InlineData(VerticalEncryption.TwoParty, VerticalLoss.Squared)]
    public void Train_EncryptedAndPlain_GiveTheSameModelUpToFixedPointError(VerticalEncryption encryption, VerticalLoss loss)
    {
        // Arrange: 3 parties (guest 2 columns, hosts 2 and 1), 48 rows, batches of 16, 2 epochs (6 protocol rounds).
        var (guest, hosts, labels) = VerticalTestData.Linear(48, [2, 2, 1], binary: loss != VerticalLoss.Squared, seed: 7);
        var options = new HeteroLinearOptions { Loss = loss, Epochs = 2, BatchSize = 16, LearningRate = 0.5, L2 = 0.01, Encryption = VerticalEncryption.None };
        using var key = TestKeys.Small();

        // Act
        var plain = new HeteroLinearTraining(guest, labels, hosts, options, null).Train();
        var encrypted = new HeteroLinearTraining(guest, labels, hosts, options with { Encryption = encryption }, key).Train();

        // Assert: features quantised to 2^-16 are the only difference, so weights agree to ~1e-5.
        Assert.Equal(3, plain.GuestWeights.Count);
        Assert.Equal(2, plain.HostWeights.Count);
        Assert.All(plain.GuestWeights, w => Assert.NotEqual(0.0, w));
        AssertClose(plain.GuestWeights, encrypted.GuestWeights);
        for (var h = 0; h < hosts.Length; h++)
        {
            Assert.All(plain.HostWeights[h], w => Assert.NotEqual(0.0, w));
            AssertClose(plain.HostWeights[h], encrypted.HostWeights[h]);
        }
    }

    [Fact]
    public void Phases_PlainAndArbiter_ChargeOnlyTheStepsThatRan()
    {
        // Arrange
        var (guest, hosts, labels) = VerticalTestData.Linear(32, [2, 2], binary: true, seed: 3);
        var options = new HeteroLinearOptions { Loss = VerticalLoss.TaylorLogistic, Epochs = 1, BatchSize = 16, Encryption = VerticalEncryption.None };
        using var key = TestKeys.Small();
        var plain = new HeteroLinearTraining(guest, labels, hosts, options, null);
        var encrypted = new HeteroLinearTraining(guest, labels, hosts, options with { Encryption = VerticalEncryption.Arbiter }, key);

        // Act
        plain.Train();
        encrypted.Train();

        // Assert: without encryption no party masks or decrypts; with an arbiter every encrypted step is charged.
        Assert.Equal(TimeSpan.Zero, plain.Phases.HostGradients);
        Assert.Equal(TimeSpan.Zero, plain.Phases.GuestGradient);
        Assert.Equal(TimeSpan.Zero, plain.Phases.Decryption);
        Assert.True(encrypted.Phases.HostScores > TimeSpan.Zero);
        Assert.True(encrypted.Phases.HostGradients > TimeSpan.Zero);
        Assert.True(encrypted.Phases.GuestGradient > TimeSpan.Zero);
        Assert.True(encrypted.Phases.Decryption > TimeSpan.Zero);
        var p = encrypted.Phases;
        Assert.Equal(p.HostScores + p.GuestResidual + p.HostGradients + p.GuestGradient + p.Decryption + p.Steps, p.Total);
    }

    [Fact]
    public void Train_SquaredLoss_RecoversTheLinearModel()
    {
        // Arrange: y = 0.3 + x·w + small noise over 2 parties.
        var (guest, hosts, labels) = VerticalTestData.Linear(2000, [3, 4], binary: false, seed: 11);
        var options = new HeteroLinearOptions { Loss = VerticalLoss.Squared, Epochs = 30, BatchSize = 64, LearningRate = 0.2, Encryption = VerticalEncryption.None };

        // Act
        var model = new HeteroLinearTraining(guest, labels, hosts, options, null).Train();
        var predictions = model.Predict(guest, hosts);

        // Assert: residual RMS near the noise level (uniform ±0.025, RMS 0.014).
        var rms = Math.Sqrt(predictions.Select((p, i) => (p - labels[i]) * (p - labels[i])).Average());
        Assert.InRange(rms, 0.0, 0.03);
        Assert.InRange(model.GuestWeights[^1], 0.25, 0.35);
    }

    [Fact]
    public void Host_ResidualOfAnotherBatch_IsRefused()
    {
        var (guest, hosts, labels) = VerticalTestData.Linear(10, [1, 1], binary: true, seed: 3);
        var options = new HeteroLinearOptions { Encryption = VerticalEncryption.None, Loss = VerticalLoss.Logistic };
        var host = new HeteroLinearHost(0, hosts[0], options, null);
        var guestRole = new HeteroLinearGuest(guest, labels, options);
        var scores = host.ComputeScores(0, [0, 1, 2]);
        var residual = guestRole.ComputeResidual(0, [0, 1, 2], [scores]);

        var error = Assert.Throws<InvalidOperationException>(() => host.ReceiveResidual(residual with { Batch = 5 }));
        Assert.Contains("batch 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ExactLogisticWithArbiter_IsRefused()
    {
        var options = new HeteroLinearOptions { Loss = VerticalLoss.Logistic, Encryption = VerticalEncryption.Arbiter };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("Taylor", error.Message, StringComparison.Ordinal);
    }

    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var j = 0; j < expected.Count; j++)
        {
            Assert.InRange(actual[j] - expected[j], -1e-4, 1e-4);
        }
    }
}
