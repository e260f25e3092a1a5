using Causeway.Federation;
using Causeway.Federation.Horizontal;

namespace Causeway.Party;

/// <summary>A task pulled from the coordinator: exactly one of <see cref="Train"/> and <see cref="Evaluate"/> is set.</summary>
public sealed record ReceivedTask(string TaskId, TrainTask? Train, EvaluateTask? Evaluate)
{
    /// <summary>The run and round the task belongs to.</summary>
    public RoundInfo Round => Train?.Round ?? Evaluate!.Round;
}
