using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Core.Tensors;
using Causeway.Core.Training;

namespace Causeway.Core.Tests.Models;

/// <summary>Frozen layers are neither trained nor sent; personal layers are trained and kept; the rest is shared.</summary>
public sealed class LayerSharingTests
{
    // Three layers: 4 -> 8 -> 6 -> 2, i.e. tensors w0 [8x4], b0 [8], w1 [6x8], b1 [6], w2 [2x6], b2 [2].
    private static readonly ModelSpec Spec = new(LearningTask.BinaryClassification, 4, 1, [8, 6]);

    [Fact]
    public void Of_OneFrozenOnePersonal_SharesTheMiddleLayerOnly_AndExpandPutsItBackWithZerosElsewhere()
    {
        var layout = DenseNetwork.CreateLayout(Spec);
        var sharing = LayerSharing.Of(layout, new TrainingPlan { FrozenLayers = 1, PersonalLayers = 1 })!;

        Assert.Equal([layout.Tensors[2], layout.Tensors[3]], sharing.Shared.Tensors);
        Assert.Equal((0, 8 * 4 + 8), (sharing.FrozenElements.Start.Value, sharing.FrozenElements.End.Value));
        Assert.Equal((40, 40 + (6 * 8) + 6), (sharing.SharedElements.Start.Value, sharing.SharedElements.End.Value));
        Assert.Equal((94, layout.TotalLength), (sharing.PersonalElements.Start.Value, sharing.PersonalElements.End.Value));

        var full = new ParameterSet(layout, [.. Enumerable.Range(1, layout.TotalLength).Select(i => (float)i)]);
        var shared = sharing.Share(full);
        Assert.Equal(Enumerable.Range(41, 54).Select(i => (float)i), shared.Values.ToArray());

        var expanded = sharing.Expand(shared);
        Assert.Equal(full.Values[40..94].ToArray(), expanded.Values[40..94].ToArray());
        Assert.All(expanded.Values[..40].ToArray(), v => Assert.Equal(0f, v));
        Assert.All(expanded.Values[94..].ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Of_NothingFrozenOrKept_IsNull_AndAPlanThatLeavesNoSharedLayerIsRefusedWithTheCounts()
    {
        var layout = DenseNetwork.CreateLayout(Spec);
        Assert.Null(LayerSharing.Of(layout, new TrainingPlan()));
        var error = Assert.Throws<ArgumentException>(() => LayerSharing.Of(layout, new TrainingPlan { FrozenLayers = 2, PersonalLayers = 1 }));
        Assert.Contains("2 frozen and 1 personal layers leave none of the model's 3 layers to share", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => LayerSharing.Of(layout, new TrainingPlan { FrozenLayers = 1 })!.Expand(new ParameterSet(layout)));
    }

    [Fact]
    public void Train_FrozenLayers_StayExactlyAsTheyStarted_WhileTheOthersLearn()
    {
        var data = Synthetic.SeparableBinary(200, 4, seed: 5);
        var network = new DenseNetwork(Spec);
        var start = network.Initialize(9);
        var plan = new TrainingPlan { Epochs = 3, BatchSize = 16, LearningRate = 0.1f, Optimizer = OptimizerKind.Adam, WeightDecay = 0.01f, FrozenLayers = 2 };

        var trained = LocalTrainer.Train(network, start, data, plan, seed: 1).Parameters;

        var frozen = LayerSharing.Of(network.Layout, plan)!.FrozenElements;
        Assert.Equal(start.Values[frozen].ToArray(), trained.Values[frozen].ToArray());
        Assert.NotEqual(start.Values[frozen.End..].ToArray(), trained.Values[frozen.End..].ToArray());
    }
}
