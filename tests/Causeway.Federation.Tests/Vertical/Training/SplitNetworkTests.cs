using Causeway.Federation.Vertical.Training;

namespace Causeway.Federation.Tests.Vertical.Training;

public sealed class SplitNetworkTests
{
    [Fact]
    public void Train_NonLinearLabelAcrossParties_LearnsWhatNoLinearModelCan()
    {
        // Arrange: y = [x_guest · x_host > 0], an XOR of signs split over two parties (a linear model stays near chance: 0.61 here).
        var random = new Random(5);
        var rows = 4000;
        var guest = new float[rows];
        var host = new float[rows];
        var labels = new float[rows];
        for (var i = 0; i < rows; i++)
        {
            guest[i] = (float)((random.NextDouble() * 2) - 1);
            host[i] = (float)((random.NextDouble() * 2) - 1);
            labels[i] = guest[i] * host[i] > 0 ? 1f : 0f;
        }

        VerticalPartyData[] parties = [new(guest, rows, 1), new(host, rows, 1)];
        var options = new SplitNetworkOptions { Epochs = 40, BatchSize = 32, LearningRate = 0.1, Hidden = [8], Embedding = 4 };

        // Act
        var model = SplitNetworkTraining.Create(parties, labels, options).Train();
        var linear = new HeteroLinearTraining(parties[0], labels, [parties[1]], new HeteroLinearOptions { Loss = VerticalLoss.Logistic, Encryption = VerticalEncryption.None }, null).Train();

        // Assert
        var accuracy = Accuracy(model.Predict(parties), labels);
        var linearAccuracy = Accuracy(linear.Predict(parties[0], [parties[1]]), labels);
        Assert.InRange(accuracy, 0.9, 1.0);
        Assert.InRange(linearAccuracy, 0.0, 0.65);
    }

    [Fact]
    public void Backward_GradientOfAnotherBatch_IsRefused()
    {
        var party = new SplitNetworkParty(1, new VerticalPartyData([1f, 2f, 3f, 4f], 2, 2), new SplitNetworkOptions { Embedding = 3 });
        var embedding = party.Forward(7, [0, 1]);

        var error = Assert.Throws<InvalidOperationException>(() => party.Backward(new EmbeddingGradientMessage(1, 8, new float[6])));

        Assert.Equal(6, embedding.Values.Length);
        Assert.Contains("batch 8", error.Message, StringComparison.Ordinal);
    }

    private static double Accuracy(double[] probabilities, float[] labels) =>
        probabilities.Select((p, i) => (p >= 0.5) == (labels[i] == 1f) ? 1.0 : 0.0).Average();
}
