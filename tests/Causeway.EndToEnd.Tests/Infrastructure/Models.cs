using Causeway.Core.Tensors;
using Causeway.Core.Training;
using Causeway.Federation;
using Causeway.Federation.Horizontal;

namespace Causeway.EndToEnd.Tests.Infrastructure;

/// <summary>Small parameter sets and tasks for the tests.</summary>
public static class Models
{
    public static ParameterLayout Layout { get; } = new([new TensorSpec("layer0.weight", [1, 3]), new TensorSpec("layer0.bias", [1])]);

    public static ParameterSet Global()
    {
        var set = new ParameterSet(Layout);
        float[] values = [0.25f, -1.5f, 3.0f, 0.125f];
        values.CopyTo(set.Values);
        return set;
    }

    public static TrainTask TrainTask(int round, string runId = "run-test") =>
        new(new RoundInfo(runId, round, 5), Global(), new TrainingPlan { Epochs = 2, BatchSize = 16, LearningRate = 0.1f, ProximalMu = 0.01f }, Seed: 42UL + (ulong)round);

    public static ParameterSet Filled(ParameterLayout layout, float value)
    {
        var set = new ParameterSet(layout);
        set.Values.Fill(value);
        return set;
    }
}
