using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal;

/// <summary>
/// What both engines (<see cref="RoundEngine"/>, <see cref="Buffered.BufferedRoundEngine"/>) do alike: where a run starts
/// (fresh or from a checkpoint), the guarded server step, when the model is evaluated, and when too many failed rounds
/// end the run.
/// </summary>
internal static class RoundRules
{
    /// <summary>
    /// The model and first round of a run: a copy of <paramref name="initialGlobal"/> at round 1, or the checkpoint's model at
    /// its LastClosedRound + 1 with the optimizer state restored.
    /// </summary>
    public static (ParameterSet Global, int First) Start(ParameterSet initialGlobal, RunCheckpoint? resumeFrom, IServerOptimizer optimizer, int rounds)
    {
        if (resumeFrom is null)
        {
            return (initialGlobal.Clone(), 1);
        }

        ArgumentOutOfRangeException.ThrowIfNegative(resumeFrom.LastClosedRound, nameof(resumeFrom));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(resumeFrom.LastClosedRound, rounds, nameof(resumeFrom));
        ParameterSet.RequireSameLayout(initialGlobal, resumeFrom.Global);
        if (resumeFrom.OptimizerState is { } state)
        {
            optimizer.RestoreState(state);
        }

        return (resumeFrom.Global.Clone(), resumeFrom.LastClosedRound + 1);
    }

    /// <summary>The next model, or why the run diverged (the step made it non-finite).</summary>
    /// <exception cref="InvalidOperationException">The optimizer returned the aggregate itself, whose buffer the engines reuse.</exception>
    public static (ParameterSet? Stepped, string? Failure) Step(IServerOptimizer optimizer, ParameterSet global, ParameterSet aggregate, RoundInfo round)
    {
        // The aggregate ends its life here: Step keeps no reference to it, so the buffer is free for the next round.
        var stepped = optimizer.Step(global, aggregate, round);
        if (ReferenceEquals(stepped, aggregate))
        {
            throw new InvalidOperationException(
                $"{optimizer.GetType().Name}.Step returned the aggregate it was given; it must return a new set (the engine reuses the aggregate's buffer).");
        }

        return stepped.AllFinite()
            ? (stepped, null)
            : (null, $"round {round.Round} diverged: the global model holds NaN or infinite values after the server step; lower training.learningRate or the strategy's server learning rate");
    }

    /// <summary>Whether the model is evaluated after <paramref name="round"/>: every EvaluateEveryRounds rounds, and after the last.</summary>
    public static bool EvaluatesAfter(this RoundEngineOptions options, int round) =>
        round == options.Rounds || (options.EvaluateEveryRounds > 0 && round % options.EvaluateEveryRounds == 0);

    /// <summary>The most failed rounds the run may have: ⌊MaxDegradedFraction × Rounds⌋.</summary>
    public static int AllowedDegraded(this RoundEngineOptions options) => (int)Math.Floor(options.MaxDegradedFraction * options.Rounds);

    /// <summary>Why the run fails for its failed rounds, or null while they are within <see cref="AllowedDegraded"/>.</summary>
    public static string? DescribeTooManyDegraded(this RoundEngineOptions options, int degraded, int round, string? problem) =>
        degraded > options.AllowedDegraded()
            ? $"{degraded} of the run's {options.Rounds} rounds failed, more than round.maxDegradedFraction ({options.MaxDegradedFraction:G4}) allows "
                + $"({options.AllowedDegraded()}); round {round}: {problem}"
            : null;
}
