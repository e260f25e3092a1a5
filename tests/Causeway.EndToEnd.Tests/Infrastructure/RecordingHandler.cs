using Causeway.Core.Metrics;
using Causeway.Federation.Horizontal;
using Causeway.Party;

namespace Causeway.EndToEnd.Tests.Infrastructure;

/// <summary>A real party's handler that keeps a copy of every delta it trains: the ground truth of what must (protected) or may (plain) be sent.</summary>
public sealed class RecordingHandler(ITaskHandler inner) : ITaskHandler
{
    private readonly List<float[]> _protectedDeltas = [];
    private readonly List<float[]> _plainDeltas = [];

    public IReadOnlyList<float[]> ProtectedDeltas
    {
        get
        {
            lock (_protectedDeltas)
            {
                return [.. _protectedDeltas];
            }
        }
    }

    public IReadOnlyList<float[]> PlainDeltas
    {
        get
        {
            lock (_protectedDeltas)
            {
                return [.. _plainDeltas];
            }
        }
    }

    public DataDescription? Data => inner.Data;

    public async Task<PartyReply> TrainAsync(TrainTask task, RunSetup? setup, CancellationToken cancellationToken)
    {
        var reply = await inner.TrainAsync(task, setup, cancellationToken);
        if (reply.Update is { } update)
        {
            lock (_protectedDeltas)
            {
                (task.Protection is null ? _plainDeltas : _protectedDeltas).Add(update.Delta.Values.ToArray());
            }
        }

        return reply;
    }

    public Task<Evaluation?> EvaluateAsync(EvaluateTask task, RunSetup? setup, CancellationToken cancellationToken) =>
        inner.EvaluateAsync(task, setup, cancellationToken);
}
