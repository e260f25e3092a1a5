using System.Collections.Concurrent;
using System.Threading.Channels;
using Causeway.Federation;
using Causeway.Federation.Horizontal;

namespace Causeway.Coordinator.Mailbox;

/// <summary>
/// Per-party task queues that parties long-poll, plus the index of tasks by id that results are matched to.
/// </summary>
/// <remarks>
/// Each party has an unbounded <see cref="Channel{T}"/>; a waiting <see cref="TakeAsync"/> is woken the
/// instant a task is written (no timer polling). Withdrawn tasks stay in the queue and are skipped when read.
/// Finished tasks stay in the index without their parameters so late and duplicate results get a precise answer.
/// </remarks>
internal sealed class TaskMailbox(TimeProvider time)
{
    private readonly ConcurrentDictionary<PartyId, Channel<PendingTask>> _queues = new();
    private readonly ConcurrentDictionary<string, PendingTask> _tasks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<PartyId, int> _waiting = new();
    private readonly ConcurrentDictionary<PartyId, HeldReport> _reports = new();
    private long _nextId;

    public string NewTaskId(RoundInfo round) => $"{round.RunId}-r{round.Round}-t{Interlocked.Increment(ref _nextId)}";

    public void Enqueue(PendingTask task)
    {
        _tasks[task.Id] = task;
        Queue(task.Party).Writer.TryWrite(task);
    }

    /// <summary>
    /// Waits until a task for <paramref name="party"/> can be delivered, and marks it delivered; returns null
    /// when <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task<PendingTask?> TakeAsync(PartyId party, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var reader = Queue(party).Reader;
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        while (true)
        {
            while (reader.TryRead(out var task))
            {
                if (task.TryDeliver())
                {
                    return task;
                }
            }

            _waiting.AddOrUpdate(party, 1, static (_, n) => n + 1);
            try
            {
                if (!await reader.WaitToReadAsync(linked.Token).ConfigureAwait(false))
                {
                    return null;
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return null;
            }
            finally
            {
                _waiting.AddOrUpdate(party, 0, static (_, n) => n - 1);
            }
        }
    }

    /// <summary>
    /// Puts a task taken by a long poll whose session ended meanwhile back in its party's queue (at the end), so the
    /// party's next session receives it; a task withdrawn or completed meanwhile stays as it is.
    /// </summary>
    public void Requeue(PendingTask task)
    {
        if (task.TryUndeliver())
        {
            Queue(task.Party).Writer.TryWrite(task);
        }
    }

    /// <summary>True while at least one long poll of <paramref name="party"/> is waiting (diagnostics and tests).</summary>
    public bool IsWaiting(PartyId party) => _waiting.TryGetValue(party, out var n) && n > 0;

    public PendingTask? Find(string taskId) => _tasks.TryGetValue(taskId, out var task) ? task : null;

    /// <summary>The party's tasks that are queued or delivered.</summary>
    public IEnumerable<PendingTask> OpenTasks(PartyId party) =>
        _tasks.Values.Where(t => t.Party == party && t.State is PendingTaskState.Queued or PendingTaskState.Delivered);

    /// <summary>Forgets finished tasks of a run (call when the run ends) so the index does not grow without bound.</summary>
    public void Forget(string runId)
    {
        foreach (var (id, task) in _tasks)
        {
            if (task.Round.RunId == runId && task.State is PendingTaskState.Completed or PendingTaskState.Withdrawn)
            {
                _tasks.TryRemove(id, out _);
            }
        }
    }

    /// <summary>Holds <paramref name="report"/> for the party's next task of its run, replacing an older one.</summary>
    public void HoldReport(PartyId party, RoundInfo round, EvaluationReport report) => _reports[party] = new HeldReport(round, report);

    /// <summary>The report held for <paramref name="party"/> in run <paramref name="runId"/>, now no longer held; or null.</summary>
    public EvaluationReport? TakeReport(PartyId party, string runId) =>
        _reports.TryGetValue(party, out var held) && held.Round.RunId == runId && _reports.TryRemove(KeyValuePair.Create(party, held)) ? held.Report : null;

    /// <summary>Every report still held in run <paramref name="runId"/>, now no longer held.</summary>
    public List<(PartyId Party, HeldReport Held)> TakeReports(string runId)
    {
        var taken = new List<(PartyId, HeldReport)>();
        foreach (var (party, held) in _reports)
        {
            if (held.Round.RunId == runId && _reports.TryRemove(KeyValuePair.Create(party, held)))
            {
                taken.Add((party, held));
            }
        }

        return taken;
    }

    private Channel<PendingTask> Queue(PartyId party) =>
        _queues.GetOrAdd(party, static _ => Channel.CreateUnbounded<PendingTask>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false }));
}

/// <summary>An evaluation report waiting for its party's next task (<see cref="TaskMailbox.HoldReport"/>).</summary>
internal sealed record HeldReport(RoundInfo Round, EvaluationReport Report);
