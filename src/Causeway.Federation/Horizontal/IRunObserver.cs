namespace Causeway.Federation.Horizontal;

/// <summary>Hears about a run's progress: a CLI prints it, a coordinator persists the checkpoint.</summary>
public interface IRunObserver
{
    /// <summary>Called when a round's parties have been selected, before any task is sent.</summary>
    ValueTask OnRoundStartedAsync(RoundInfo round, IReadOnlyList<PartyId> selected, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    /// <summary>
    /// Called once per closed round (including failed rounds), after evaluation. The round is closed once this
    /// returns: persist <paramref name="checkpoint"/> here to resume after a crash. The checkpoint's parameter
    /// sets are shared with the engine: read them, do not modify them.
    /// </summary>
    ValueTask OnRoundCompletedAsync(RoundSummary summary, RunCheckpoint checkpoint, CancellationToken cancellationToken);
}
