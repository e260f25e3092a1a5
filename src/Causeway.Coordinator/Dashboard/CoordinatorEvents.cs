using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Causeway.Coordinator.Dashboard;

/// <summary>What a <see cref="Change"/> concerns.</summary>
public enum ChangeTopic
{
    /// <summary>A party joined, or its session ended (missed heartbeats or replaced by a new join).</summary>
    Parties,

    /// <summary>A run started, closed a round, or changed state (completed, failed, stopped, resumed).</summary>
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
/// Publishing never blocks the coordinator's work: each watcher has its own queue of <see cref="WatcherCapacity"/>
/// changes, and a watcher that falls that far behind loses the oldest ones. Losing one is harmless, because every
/// change only says "read this again", and a later change of the same topic says it again.
/// </remarks>
public sealed class CoordinatorEvents
{
    /// <summary>The changes one watcher may have unread before the oldest are dropped.</summary>
    public const int WatcherCapacity = 256;

    private readonly ConcurrentDictionary<Channel<Change>, byte> _watchers = new();

    /// <summary>Tells every watcher that <paramref name="topic"/> changed; never blocks.</summary>
    public void Publish(ChangeTopic topic, string? id = null)
    {
        var change = new Change(topic, id);
        foreach (var watcher in _watchers.Keys)
        {
            watcher.Writer.TryWrite(change);
        }
    }

    /// <summary>Starts watching; dispose the watcher to stop.</summary>
    public ChangeWatcher Watch()
    {
        var channel = Channel.CreateBounded<Change>(new BoundedChannelOptions(WatcherCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        _watchers.TryAdd(channel, 0);
        return new ChangeWatcher(channel.Reader, () => _watchers.TryRemove(channel, out _));
    }
}

/// <summary>One watcher's view of the <see cref="CoordinatorEvents"/> feed, from the moment it started watching.</summary>
public sealed class ChangeWatcher(ChannelReader<Change> changes, Action stop) : IDisposable
{
    /// <summary>
    /// The next change, or null when none came within <paramref name="quiet"/> (a watcher over the network sends a
    /// keep-alive then).
    /// </summary>
    public async ValueTask<Change?> NextAsync(TimeSpan quiet, CancellationToken cancellationToken)
    {
        if (changes.TryRead(out var ready))
        {
            return ready;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(quiet);
        try
        {
            await changes.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        return changes.TryRead(out var change) ? change : null;
    }

    public void Dispose() => stop();
}
