using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Tests.Horizontal;

internal sealed class RecordingObserver : IRunObserver
{
    public List<RoundSummary> Summaries { get; } = [];

    public List<RunCheckpoint> Checkpoints { get; } = [];

    public List<IReadOnlyList<PartyId>> Selections { get; } = [];

    /// <summary>Throws after this round closed and its checkpoint was recorded, like a coordinator crashing.</summary>
    public int? CrashAfterRound { get; init; }

    public ValueTask OnRoundStartedAsync(RoundInfo round, IReadOnlyList<PartyId> selected, CancellationToken cancellationToken)
    {
        Selections.Add(selected);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnRoundCompletedAsync(RoundSummary summary, RunCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        Summaries.Add(summary);

        // A real coordinator serialises the checkpoint; cloning stands in for that.
        Checkpoints.Add(checkpoint with { Global = checkpoint.Global.Clone(), OptimizerState = checkpoint.OptimizerState?.Clone() });
        if (summary.Round == CrashAfterRound)
        {
            throw new InvalidOperationException("simulated crash");
        }

        return ValueTask.CompletedTask;
    }
}
