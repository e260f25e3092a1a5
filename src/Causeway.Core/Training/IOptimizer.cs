using Causeway.Core.Tensors;

namespace Causeway.Core.Training;

/// <summary>A first-order optimizer that updates parameters in place from a gradient.</summary>
/// <remarks>
/// Implementations keep per-parameter state (momentum, moments) sized for one layout, so an instance
/// belongs to one training run; they are not thread-safe.
/// </remarks>
public interface IOptimizer
{
    /// <summary>Applies one update to <paramref name="parameters"/> from <paramref name="gradient"/> (which is left unchanged).</summary>
    void Step(ParameterSet parameters, ParameterSet gradient);
}
