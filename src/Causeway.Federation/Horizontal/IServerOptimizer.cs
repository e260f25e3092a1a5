using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal;

/// <summary>
/// Applies a round's aggregated delta (the negative pseudo-gradient) to the global model.
/// </summary>
/// <remarks>
/// FedAvg is the server SGD step with rate 1: w ← w + Δ. FedAvgM, FedAdagrad, FedAdam and FedYogi keep
/// state across rounds (Reddi et al. 2021, "Adaptive Federated Optimization"); that state is exposed so a
/// coordinator can checkpoint it with the global model and restore it after a crash.
/// </remarks>
public interface IServerOptimizer
{
    /// <summary>
    /// Returns the next global model as a new set. Does not modify its arguments, and keeps no reference to
    /// <paramref name="aggregatedDelta"/> once it returns: the round engine writes the next round's aggregate into the
    /// same buffer (docs/adr/0010-reused-aggregation-buffers.md). State derived from it (a velocity, moments) is copied.
    /// </summary>
    ParameterSet Step(ParameterSet global, ParameterSet aggregatedDelta, RoundInfo round);

    /// <summary>The optimizer's state to checkpoint, or null when it keeps none.</summary>
    ParameterSet? SaveState();

    /// <summary>Restores state previously returned by <see cref="SaveState"/>.</summary>
    void RestoreState(ParameterSet state);
}
