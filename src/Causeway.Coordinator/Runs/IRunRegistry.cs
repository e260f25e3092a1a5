namespace Causeway.Coordinator.Runs;

/// <summary>
/// Run bookkeeping for the control API. <see cref="InMemoryRunRegistry"/> is the default; a durable store
/// (the Storage folder's IRunStore) can replace it by registering its own implementation before AddCauseway.
/// </summary>
public interface IRunRegistry
{
    void Create(string runId, string description, int totalRounds, string configJson, DateTimeOffset startedAt);

    void SetCurrentRound(string runId, int round);

    void RecordRound(string runId, RoundRecord round);

    void Finish(string runId, RunState state, string? error, DateTimeOffset finishedAt);

    RunDetails? Find(string runId);

    /// <summary>All runs, newest first.</summary>
    IReadOnlyList<RunSummary> List();
}
