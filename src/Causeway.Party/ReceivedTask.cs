using Causeway.Federation;
using Causeway.Federation.Horizontal;

namespace Causeway.Party;

/// <summary>A task pulled from the coordinator: exactly one of <see cref="Train"/> and <see cref="Evaluate"/> is set.</summary>
/// <param name="TaskId">Echoed in the result.</param>
/// <param name="Train">A training task, or null.</param>
/// <param name="Evaluate">An evaluation task, or null.</param>
/// <param name="Setup">The run's setup (model, schema, merged statistics), or null when the run has none.</param>
public sealed record ReceivedTask(string TaskId, TrainTask? Train, EvaluateTask? Evaluate, RunSetup? Setup)
{
    /// <summary>The run and round the task belongs to.</summary>
    public RoundInfo Round => Train?.Round ?? Evaluate!.Round;
}
