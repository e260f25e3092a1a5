namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// A trained vertical linear model as the simulation sees it: each party's weights, which in a real federation stay at
/// their party. Scoring combines partial scores only (<see cref="VerticalScoring"/>).
/// </summary>
/// <param name="Loss">The loss it was trained with (logistic losses predict σ(u), the squared loss u).</param>
/// <param name="GuestWeights">The guest's weights, the intercept last.</param>
/// <param name="HostWeights">Per host, its weights.</param>
public sealed record VerticalLinearModel(VerticalLoss Loss, IReadOnlyList<double> GuestWeights, IReadOnlyList<IReadOnlyList<double>> HostWeights)
{
    /// <summary>Predictions for aligned rows: each party scores its own columns, the guest adds the partial scores.</summary>
    public double[] Predict(VerticalPartyData guestRows, IReadOnlyList<VerticalPartyData> hostRows)
    {
        ArgumentNullException.ThrowIfNull(guestRows);
        ArgumentNullException.ThrowIfNull(hostRows);
        if (hostRows.Count != HostWeights.Count)
        {
            throw new ArgumentException($"The model has {HostWeights.Count} hosts; rows were given for {hostRows.Count}.", nameof(hostRows));
        }

        var partials = new PartialScoresMessage[hostRows.Count];
        for (var h = 0; h < partials.Length; h++)
        {
            partials[h] = new PartialScoresMessage(h, -1, VerticalScoring.PartialScores(HostWeights[h], intercept: false, hostRows[h]), null);
        }

        return VerticalScoring.Combine(Loss, VerticalScoring.PartialScores(GuestWeights, intercept: true, guestRows), partials);
    }
}
