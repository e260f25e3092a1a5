using System.Collections.Concurrent;

namespace Causeway.Coordinator.Dashboard;

/// <summary>What a <see cref="Change"/> concerns.</summary>
public enum ChangeTopic
{
    /// <summary>A party joined, or its session ended (missed heartbeats or replaced by a new join).</summary>
    Parties,

    /// <summary>A run started, closed a round, changed state (completed, failed, stopped, resumed) or got its reference.</summary>
    Runs,

    /// <summary>A vertical job started, moved to another stage or step, or ended.</summary>
    Vertical,
}

/// <summary>Something changed in the coordinator: the topic and the id it concerns (a party, run or job id), or null.</summary>
public readonly record struct Change(ChangeTopic Topic, string? Id);

/// <summary>
/// The coordinator's change feed, for watchers such as the dashboard's live view (<c>GET /api/events</c>). A change
/// names what changed, never its content: a watcher reads the control API for that, so the feed shows nothing the API
/// would not show to the same admin.
/// </summary>
/// <remarks>
/// Publishing never blocks the coordinator's work and never loses a change: each watcher keeps the set of things that
/// changed since it last looked (a topic and id once, however often it changed), so a slow watcher gets one notice per
/// changed thing rather than a backlog, and a burst (a vertical job's thousands of steps) costs it nothing more.
/// </remarks>
public sealed class CoordinatorEvents
{
    private readonly ConcurrentDictionary<ChangeWatcher, byte> _watchers = new();

    /// <summary>Tells every watcher that <paramref name="topic"/> changed; never blocks.</summary>
    public void Publish(ChangeTopic topic, string? id = null)
    {
        var change = new Change(topic, id);
        foreach (var (watcher, _) in _watchers)
        {
            watcher.Mark(change);
        }
    }

    /// <summary>Starts watching; dispose the watcher to stop.</summary>
    public ChangeWatcher Watch()
    {
        var watcher = new ChangeWatcher(w => _watchers.TryRemove(w, out _));
        _watchers.TryAdd(watcher, 0);
        return watcher;
    }
}

/// <summary>One watcher's view of the <see cref="CoordinatorEvents"/> feed, from the moment it started watching.</summary>
public sealed class ChangeWatcher : IDisposable
{
    private readonly Action<ChangeWatcher> _stop;
    private readonly Lock _lock = new();
    private HashSet<Change> _changed = [];
    private TaskCompletionSource _signal = NewSignal();

    internal ChangeWatcher(Action<ChangeWatcher> stop) => _stop = stop;

    /// <summary>
    /// Every distinct change since the last call, once each; empty when none came within <paramref name="quiet"/> (a
    /// watcher over the network sends a keep-alive then).
    /// </summary>
    public async ValueTask<IReadOnlyCollection<Change>> NextAsync(TimeSpan quiet, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_lock)
        {
            signal = _signal.Task;
        }

        try
        {
            await signal.WaitAsync(quiet, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return [];
        }

        lock (_lock)
        {
            var changed = _changed;
            _changed = [];
            _signal = NewSignal();
            return changed;
        }
    }

    internal void Mark(Change change)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            _changed.Add(change);
            signal = _signal;
        }

        signal.TrySetResult();
    }

    public void Dispose() => _stop(this);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
