using Causeway.Core.Metrics;
using Causeway.Federation.Horizontal;

namespace Causeway.Party;

/// <summary>
/// A test knob, for benchmarks only: makes a party's training <see cref="Factor"/> times as slow as this machine makes it,
/// as a slower device would be. After the wrapped handler trains, it waits (Factor − 1) × the training's wall time, then
/// answers with the whole time as the update's training seconds. Evaluation is not slowed. <c>causeway party --slowdown F</c>.
/// </summary>
/// <remarks>
/// Waiting, not computing, so a slowed party does not take processor time from the others on a shared machine; the
/// wait scales with the measured training time, so the party stays F times as slow when the machine is loaded.
/// </remarks>
public sealed class SlowedTaskHandler : ITaskHandler
{
    private readonly ITaskHandler _inner;
    private readonly TimeProvider _time;

    /// <param name="inner">The party's real handler.</param>
    /// <param name="factor">How many times as slow training becomes (≥ 1).</param>
    /// <param name="time">The clock; the system's when null.</param>
    public SlowedTaskHandler(ITaskHandler inner, double factor, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!(factor >= 1 && double.IsFinite(factor)))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The slowdown must be a finite number, at least 1.");
        }

        _inner = inner;
        Factor = factor;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How many times as slow training is.</summary>
    public double Factor { get; }

    public DataDescription? Data => _inner.Data;

    public async Task<PartyReply> TrainAsync(TrainTask task, RunSetup? setup, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var reply = await _inner.TrainAsync(task, setup, cancellationToken).ConfigureAwait(false);
        var trained = _time.GetElapsedTime(started);
        await Task.Delay(trained * (Factor - 1), _time, cancellationToken).ConfigureAwait(false);
        return reply.Update is { } update
            ? PartyReply.Success(update with { TrainSeconds = _time.GetElapsedTime(started).TotalSeconds })
            : reply;
    }

    public Task<Evaluation?> EvaluateAsync(EvaluateTask task, RunSetup? setup, CancellationToken cancellationToken) =>
        _inner.EvaluateAsync(task, setup, cancellationToken);
}
