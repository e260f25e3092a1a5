using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Protection;
using Causeway.Federation.Recommendation.Network;

namespace Causeway.Party;

/// <summary>A task pulled from the coordinator: exactly one of <see cref="Train"/>, <see cref="Evaluate"/> and <see cref="Step"/> is set.</summary>
/// <param name="TaskId">Echoed in the result.</param>
/// <param name="Train">A training task, or null.</param>
/// <param name="Evaluate">An evaluation task, or null.</param>
/// <param name="Setup">The run's setup (model, schema, merged statistics), or null when the run has none.</param>
/// <param name="Step">A protected round's protocol step, or null.</param>
/// <param name="Recommendation">A recommendation run's setup (model, plan, seed, catalogue), or null; <paramref name="Setup"/> is then null.</param>
public sealed record ReceivedTask(string TaskId, TrainTask? Train, EvaluateTask? Evaluate, RunSetup? Setup, ProtocolStep? Step = null, RecommendationSetup? Recommendation = null)
{
    /// <summary>The run and round the task belongs to.</summary>
    public RoundInfo Round => Train?.Round ?? Evaluate?.Round ?? Step!.Round;

    /// <summary>The report of an earlier evaluation round of the run that came with this task, or null.</summary>
    public EvaluationReport? Report { get; init; }
}
