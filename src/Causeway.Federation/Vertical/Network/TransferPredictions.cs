namespace Causeway.Federation.Vertical.Network;

/// <summary>
/// What the target of a transfer job holds when training ends: its model's probability of class 1 for every row of its
/// own table, the rows no other party holds included. It never leaves the party.
/// </summary>
/// <param name="Job">The job's session, as <see cref="TrainedSplitPart.Job"/>.</param>
/// <param name="Ids">The table's normalised IDs, in file order.</param>
/// <param name="Probabilities">σ(Φ·v) of each row, in the same order.</param>
public sealed record TransferPredictions(string Job, IReadOnlyList<string> Ids, float[] Probabilities)
{
    /// <summary>The job's id, as the control API names it.</summary>
    public string JobId => VerticalJob.IdOfSession(Job);
}
