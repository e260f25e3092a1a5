using Causeway.Core.Data;
using Causeway.Core.Models;

namespace Causeway.Federation.Vertical.Network;

/// <summary>
/// What one party holds of a split network when a job's training ends: its bottom model, with the schema and statistics
/// its columns were encoded with, and at the guest the top model. It never leaves the party; the party may write it out
/// (<c>causeway party --vertical-models DIR</c> writes ONNX).
/// </summary>
/// <param name="Job">The job's session as the parties see it: the job's id, then <c>~</c> and a nonce of the run (<see cref="JobId"/>).</param>
/// <param name="Party">This party's index in the job (the guest is 0).</param>
/// <param name="Parties">The parties in the job.</param>
/// <param name="Schema">This party's schema.</param>
/// <param name="Statistics">The statistics of this party's rows that its features were encoded with.</param>
/// <param name="Bottom">The bottom model: ReLU between the layers, none after the last.</param>
/// <param name="Top">The top model at the guest (its output a logit); null at a host.</param>
/// <param name="Embedding">Each bottom model's output width.</param>
public sealed record TrainedSplitPart(
    string Job, int Party, int Parties, DataSchema Schema, FeatureStatistics Statistics, IReadOnlyList<DenseLayer> Bottom, IReadOnlyList<DenseLayer>? Top, int Embedding)
{
    /// <summary>The job's id, as the control API names it (<see cref="Job"/> without its nonce).</summary>
    public string JobId => VerticalJob.IdOfSession(Job);
}
