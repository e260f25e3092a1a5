using Causeway.Federation.Vertical.Network;

namespace Causeway.Coordinator.Vertical;

/// <summary>A vertical job's state as the control API shows it.</summary>
public sealed class VerticalJobStatus(string id, string name, DateTimeOffset started)
{
    public string Id { get; } = id;

    public string Name { get; } = name;

    public DateTimeOffset Started { get; } = started;

    /// <summary>running, completed or failed.</summary>
    public string State { get; private set; } = "running";

    public VerticalJobProgress? Progress { get; internal set; }

    public VerticalJobResult? Result { get; private set; }

    public string? Error { get; private set; }

    internal void Complete(VerticalJobResult result)
    {
        Result = result;
        State = "completed";
    }

    internal void Fail(string error)
    {
        Error = error;
        State = "failed";
    }
}
