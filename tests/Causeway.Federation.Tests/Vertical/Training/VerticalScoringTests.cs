using Causeway.Federation.Vertical.Training;

namespace Causeway.Federation.Tests.Vertical.Training;

public sealed class VerticalScoringTests
{
    [Fact]
    public void Combine_PartialScoresOfEachParty_EqualsTheJoinedLinearModel()
    {
        // Arrange: one new ID; the guest holds 2 columns (+ intercept), two hosts 1 and 2 columns.
        var guestRow = new VerticalPartyData([0.5f, -1f], 1, 2);
        var hostRows = new[] { new VerticalPartyData([2f], 1, 1), new VerticalPartyData([1f, 3f], 1, 2) };
        double[] guestWeights = [0.2, 0.4, -0.1];
        double[][] hostWeights = [[0.25], [-0.5, 0.1]];

        // Act: each party sends only its partial score; the guest combines.
        var hostScores = hostRows.Select((rows, h) => new PartialScoresMessage(h, -1, VerticalScoring.PartialScores(hostWeights[h], intercept: false, rows), null)).ToArray();
        var probability = VerticalScoring.Combine(VerticalLoss.Logistic, VerticalScoring.PartialScores(guestWeights, intercept: true, guestRow), hostScores);
        var value = VerticalScoring.Combine(VerticalLoss.Squared, VerticalScoring.PartialScores(guestWeights, intercept: true, guestRow), hostScores);

        // Assert: u = 0.1 - 0.4 - 0.1 + 0.5 - 0.5 + 0.3 = -0.1.
        Assert.Equal(-0.1, value[0], 12);
        Assert.Equal(1 / (1 + Math.Exp(0.1)), probability[0], 12);
        Assert.Equal(hostRows.Length, hostScores.Length);
        Assert.All(hostScores, s => Assert.Null(s.Encrypted));
    }

    [Fact]
    public void PartialScores_WeightsOfAnotherParty_AreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => VerticalScoring.PartialScores([1.0, 2.0], intercept: false, new VerticalPartyData([1f, 2f, 3f], 1, 3)));
        Assert.Contains("2 weights do not fit 3 columns", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Combine_HostScoresOfAnotherLength_AreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => VerticalScoring.Combine(VerticalLoss.Logistic, [0.1, 0.2], [new PartialScoresMessage(3, -1, [0.5], null)]));
        Assert.Contains("Host 3", error.Message, StringComparison.Ordinal);
    }
}
