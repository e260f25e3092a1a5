using Causeway.Core.Tensors;

namespace Causeway.Core.Training;

/// <summary>Shared guards and the plan-to-optimizer mapping.</summary>
internal static class Optimizers
{
    public static void RequireLayout(ParameterLayout layout, ParameterSet parameters, ParameterSet gradient)
    {
        if (!ReferenceEquals(parameters.Layout, layout) && !parameters.Layout.Equals(layout))
        {
            throw new ArgumentException($"The parameters do not fit the optimizer: {layout.DescribeMismatch(parameters.Layout)}.", nameof(parameters));
        }

        if (!ReferenceEquals(gradient.Layout, layout) && !gradient.Layout.Equals(layout))
        {
            throw new ArgumentException($"The gradient does not fit the optimizer: {layout.DescribeMismatch(gradient.Layout)}.", nameof(gradient));
        }
    }

    /// <summary>The optimizer a plan asks for, sized for <paramref name="layout"/>.</summary>
    public static IOptimizer Create(TrainingPlan plan, ParameterLayout layout) => plan.Optimizer switch
    {
        OptimizerKind.Sgd => new SgdOptimizer(layout, plan.LearningRate, plan.Momentum),
        OptimizerKind.Adam => new AdamOptimizer(layout, plan.LearningRate),
        _ => throw new ArgumentOutOfRangeException(nameof(plan), plan.Optimizer, "Unknown optimizer."),
    };
}
