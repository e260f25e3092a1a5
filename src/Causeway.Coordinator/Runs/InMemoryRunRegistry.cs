namespace Causeway.Coordinator.Runs;

/// <summary>Keeps runs in memory (lost on restart). Thread-safe.</summary>
public sealed class InMemoryRunRegistry : IRunRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _runs = new(StringComparer.Ordinal);

    public void Create(string runId, string description, int totalRounds, string configJson, DateTimeOffset startedAt)
    {
        lock (_lock)
        {
            _runs.Add(runId, new Entry(new RunSummary(runId, RunState.Running, description, totalRounds, 0, 0, startedAt, null, null)));
        }
    }

    public void SetCurrentRound(string runId, int round) =>
        Update(runId, e => e.Summary = e.Summary with { CurrentRound = round });

    public void RecordRound(string runId, RoundRecord round) => Update(runId, e =>
    {
        e.Rounds.Add(round);
        e.Summary = e.Summary with { CompletedRounds = e.Rounds.Count, CurrentRound = Math.Max(e.Summary.CurrentRound, round.Round) };
    });

    public void Finish(string runId, RunState state, string? error, DateTimeOffset finishedAt) =>
        Update(runId, e => e.Summary = e.Summary with { State = state, Error = error, FinishedAt = finishedAt });

    public RunDetails? Find(string runId)
    {
        lock (_lock)
        {
            return _runs.TryGetValue(runId, out var e) ? new RunDetails(e.Summary, [.. e.Rounds]) : null;
        }
    }

    public IReadOnlyList<RunSummary> List()
    {
        lock (_lock)
        {
            return [.. _runs.Values.Select(e => e.Summary).OrderByDescending(s => s.StartedAt)];
        }
    }

    private void Update(string runId, Action<Entry> change)
    {
        lock (_lock)
        {
            if (_runs.TryGetValue(runId, out var entry))
            {
                change(entry);
            }
        }
    }

    private sealed class Entry(RunSummary summary)
    {
        public RunSummary Summary { get; set; } = summary;

        public List<RoundRecord> Rounds { get; } = [];
    }
}
