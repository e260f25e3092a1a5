using Causeway.Core.Metrics;
using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal;

/// <summary>Scores the global model after a round.</summary>
public interface IGlobalEvaluator
{
    /// <summary>
    /// Evaluates <paramref name="global"/> (read-only) after <paramref name="round"/>; null when no evaluation could
    /// be made (for example no party answered).
    /// </summary>
    Task<GlobalEvaluation?> EvaluateAsync(ParameterSet global, RoundInfo round, CancellationToken cancellationToken);
}
