using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.Coordinator.Endpoints;

/// <summary>The response a delivered task travels in: a <c>PullTaskResponse</c>, or a <c>PushResultResponse</c> that asked for the next task.</summary>
internal sealed class NextTaskEnvelope
{
    public static readonly NextTaskEnvelope PullTask = new(V1.PullTaskResponse.TaskFieldNumber, task => new V1.PullTaskResponse { Task = task });

    /// <summary>The result was accepted (a refused one never waits for a task).</summary>
    public static readonly NextTaskEnvelope PushResult = new(V1.PushResultResponse.NextTaskFieldNumber, task => new V1.PushResultResponse { Accepted = true, NextTask = task });

    private readonly Func<V1.PartyTask?, IMessage> _wrap;

    private NextTaskEnvelope(int taskField, Func<V1.PartyTask?, IMessage> wrap)
    {
        TaskField = taskField;
        _wrap = wrap;
    }

    /// <summary>The response's field number of the task.</summary>
    public int TaskField { get; }

    /// <summary>The response with <paramref name="task"/>, or without a task ("no task": poll again).</summary>
    public IMessage Wrap(V1.PartyTask? task) => _wrap(task);
}
