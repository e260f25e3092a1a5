using Causeway.Core.Models;

namespace Causeway.Federation.Horizontal;

/// <summary>When the <see cref="RoundEngine"/> ends a run as diverged, with the round and the value that tripped it.</summary>
/// <remarks>
/// <para>
/// A run diverges when, in some round, (1) every update that arrived held NaN or infinite values (delta or training loss:
/// <see cref="FailureKind.NonFinite"/>), (2) the accepted updates' mean training loss is not finite or exceeds
/// <see cref="LossFactor"/> × the reference loss, or (3) the global model holds NaN or infinite values after the server
/// step. A single party's non-finite update is that party's rejected update, not the run's divergence.
/// </para>
/// <para>
/// The reference loss is <see cref="ReferenceLoss"/> when given, else the first round's mean training loss. For a
/// classification model <see cref="For"/> sets it to the cross-entropy of an uninformed model, ln 2 for a binary label
/// and ln K for K classes, which a model whose training has blown up exceeds by orders of magnitude from its first round
/// (a learning rate of 1e30 gives a loss near 1e29 at once), while a regression loss is in the label's units squared
/// and has no such scale-free anchor. The diverged round is not closed: the run's last checkpoint stays the model
/// before it.
/// </para>
/// </remarks>
public sealed record DivergenceRule
{
    /// <summary>How many times the reference loss a round's mean training loss may reach (&gt; 1). Default 1e6.</summary>
    public double LossFactor { get; init; } = 1e6;

    /// <summary>The loss <see cref="LossFactor"/> multiplies; null takes the first round's mean training loss. Default null.</summary>
    public double? ReferenceLoss { get; init; }

    /// <summary>The rule for a model: the reference loss of an uninformed classifier (ln 2, ln K), none for regression.</summary>
    /// <param name="model">The run's model.</param>
    /// <param name="lossFactor">The factor (&gt; 1).</param>
    public static DivergenceRule For(ModelSpec model, double lossFactor)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lossFactor, 1);
        return new DivergenceRule
        {
            LossFactor = lossFactor,
            ReferenceLoss = model.Task switch
            {
                LearningTask.BinaryClassification => Math.Log(2),
                LearningTask.MulticlassClassification => Math.Log(model.Outputs),
                _ => null,
            },
        };
    }

    /// <summary>Why the round's mean training loss shows divergence, or null.</summary>
    /// <param name="round">The round.</param>
    /// <param name="trainLoss">The accepted updates' example-weighted mean training loss (null when none reported one).</param>
    /// <param name="reference">The reference loss in force (null before the first round with a loss).</param>
    internal string? DescribeLoss(int round, double? trainLoss, double? reference)
    {
        if (trainLoss is not { } loss)
        {
            return null;
        }

        if (!double.IsFinite(loss))
        {
            return $"round {round} diverged: the mean training loss is {loss}; lower training.learningRate";
        }

        return reference is { } r && loss > LossFactor * r
            ? $"round {round} diverged: the mean training loss {loss:G4} exceeds {LossFactor:G4} (round.divergenceLossFactor) × the reference loss {r:G4}; lower training.learningRate"
            : null;
    }
}
