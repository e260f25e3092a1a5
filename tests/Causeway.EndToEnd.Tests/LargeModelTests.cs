using Causeway.Core.Tensors;
using Causeway.Core.Training;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Federation.Horizontal;

namespace Causeway.EndToEnd.Tests;

public sealed class LargeModelTests
{
    [Fact]
    public async Task TrainAsync_32MegabyteModel_RoundTripsBitExact_OverHttp2()
    {
        // 8M float32 = 32 MB each way.
        var layout = new ParameterLayout([new TensorSpec("layer0.weight", [2048, 4000]), new TensorSpec("layer0.bias", [2048])]);
        var global = new ParameterSet(layout);
        var random = new Random(3);
        for (var i = 0; i < global.Length; i++)
        {
            global.Values[i] = (float)random.NextDouble();
        }

        await using var server = await CoordinatorServer.StartAsync();
        using var client = server.CreateClient("hospital-a");
        await client.JoinAsync(null, CancellationToken.None).DefaultTimeout();
        var train = server.Channel.TrainAsync(new PartyId("hospital-a"), new TrainTask(new RoundInfo("big", 1, 1), global, new TrainingPlan(), 1), CancellationToken.None);

        var task = (await client.PullTaskAsync(CancellationToken.None).DefaultTimeout())!;
        Assert.True(Bits(global).SequenceEqual(Bits(task.Train!.Global)));
        var delta = task.Train.Global.Clone();
        foreach (ref var value in delta.Values)
        {
            value = -value;
        }

        await client.PushTrainResultAsync(task, PartyReply.Success(new PartyUpdate(new PartyId("hospital-a"), delta, 100, 1.0)), thenPull: false, CancellationToken.None).DefaultTimeout();
        var update = (await train.DefaultTimeout()).Update!;

        Assert.Equal(layout, update.Delta.Layout);
        Assert.True(Bits(delta).SequenceEqual(Bits(update.Delta)));
    }

    private static ReadOnlySpan<int> Bits(ParameterSet set) => System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(set.Values);
}
