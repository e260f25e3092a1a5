using Causeway.Core.Tensors;
using Causeway.Protocol;
using Causeway.Protocol.Wire;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests;

public sealed class ParameterSetCodecTests
{
    private static ParameterSet Awkward()
    {
        var layout = new ParameterLayout([new TensorSpec("a", [2, 3]), new TensorSpec("b", []), new TensorSpec("c.weight", [4])]);
        var set = new ParameterSet(layout);
        var random = new Random(7);
        for (var i = 0; i < set.Length; i++)
        {
            set.Values[i] = (float)((random.NextDouble() * 200) - 100);
        }

        // Values whose bits a lossy path would change.
        set.Values[0] = -0f;
        set.Values[1] = float.Epsilon;
        set.Values[2] = BitConverter.Int32BitsToSingle(0x7FC01234); // NaN with payload
        set.Values[3] = float.MaxValue;
        return set;
    }

    private static int[] Bits(ParameterSet set)
    {
        var bits = new int[set.Length];
        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] = BitConverter.SingleToInt32Bits(set.Values[i]);
        }

        return bits;
    }

    [Fact]
    public void RoundTrip_ThroughSerializedBytes_IsBitExact()
    {
        var original = Awkward();

        var bytes = ParameterSetCodec.ToProto(original).ToByteArray();
        var decoded = ParameterSetCodec.FromProto(V1.ParameterSet.Parser.ParseFrom(bytes));

        Assert.Equal(original.Layout, decoded.Layout);
        Assert.Equal(Bits(original), Bits(decoded));
    }

    [Fact]
    public void ToProto_WritesLittleEndianFloat32_WithNamesAndShapes()
    {
        var set = new ParameterSet(new ParameterLayout([new TensorSpec("w", [1, 2])]));
        set.Values[0] = 1f;
        set.Values[1] = -2f;

        var message = ParameterSetCodec.ToProto(set);

        var tensor = Assert.Single(message.Tensors);
        Assert.Equal("w", tensor.Name);
        Assert.Equal([1, 2], tensor.Shape);
        Assert.Equal(new byte[] { 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0 }, tensor.Data.ToByteArray());
    }

    [Fact]
    public async Task PushResult_StreamedDelta_IsBitExact()
    {
        var original = Awkward();
        var request = new V1.PushResultRequest
        {
            TaskId = "t1",
            RunId = "r",
            Round = 3,
            Train = new V1.TrainResult { Delta = ParameterSetCodec.ToProto(original), Examples = 12, TrainLoss = 0.5 },
        };

        string? asked = null;
        var result = await PushResult.ReadAsync(new MemoryStream(request.ToByteArray()), id => (asked = id) is not null ? new ResultExpectation { Delta = original.Layout } : ResultExpectation.Nothing, 1 << 20, CancellationToken.None);

        Assert.Equal("t1", asked);
        Assert.Equal(("t1", "r", 3, PushResultKind.Train, 12L, 0.5), (result.TaskId, result.RunId, result.Round, result.Kind, result.Examples, result.TrainLoss));
        Assert.Null(result.DeltaError);
        Assert.Equal(Bits(original), Bits(result.Delta!));
    }

    [Fact]
    public async Task PushResult_AnyLayoutExpected_StoresTheDeltaAsSentBitExact()
    {
        var original = Awkward();
        var request = new V1.PushResultRequest { TaskId = "t1", Train = new V1.TrainResult { Delta = ParameterSetCodec.ToProto(original), Examples = 3 } };

        var result = await PushResult.ReadAsync(new MemoryStream(request.ToByteArray()), _ => new ResultExpectation { AnyLayout = true }, 1 << 20, CancellationToken.None);

        Assert.Null(result.DeltaError);
        Assert.Equal(original.Layout, result.Delta!.Layout);
        Assert.Equal(Bits(original), Bits(result.Delta));
    }

    [Theory]
    [InlineData("short", "Tensor 'w[2x2]': expected 16 data bytes, got 8.")]
    [InlineData("twice", "The delta's tensors do not make a parameter set")]
    public async Task PushResult_AnyLayoutExpected_ABrokenDeltaIsAnError(string fault, string expected)
    {
        var delta = new V1.ParameterSet();
        delta.Tensors.Add(new V1.Tensor { Name = "w", Shape = { 2, 2 }, Data = Google.Protobuf.ByteString.CopyFrom(new byte[fault == "short" ? 8 : 16]) });
        if (fault == "twice")
        {
            delta.Tensors.Add(delta.Tensors[0].Clone());
        }

        var request = new V1.PushResultRequest { TaskId = "t1", Train = new V1.TrainResult { Delta = delta } };

        var result = await PushResult.ReadAsync(new MemoryStream(request.ToByteArray()), _ => new ResultExpectation { AnyLayout = true }, 1 << 20, CancellationToken.None);

        Assert.StartsWith(expected, result.DeltaError, StringComparison.Ordinal);
        Assert.Null(result.Delta);
    }

    [Fact]
    public async Task PushResult_TaskWithoutLayout_SkipsTheDeltaWithAnError()
    {
        var request = new V1.PushResultRequest
        {
            TaskId = "someone-elses",
            Train = new V1.TrainResult { Delta = ParameterSetCodec.ToProto(Awkward()), Examples = 12, TrainLoss = 0.5 },
        };

        var result = await PushResult.ReadAsync(new MemoryStream(request.ToByteArray()), _ => ResultExpectation.Nothing, 1 << 20, CancellationToken.None);

        Assert.Equal(("someone-elses", PushResultKind.Train, 12L), (result.TaskId, result.Kind, result.Examples));
        Assert.Null(result.Delta);
        Assert.NotNull(result.DeltaError);
    }

    [Fact]
    public async Task PushResult_ResultBeforeTaskId_IsMalformed()
    {
        var train = new V1.PushResultRequest { Train = new V1.TrainResult { Examples = 1 } }.ToByteArray();
        var taskId = new V1.PushResultRequest { TaskId = "t1" }.ToByteArray();

        var e = await Assert.ThrowsAsync<MalformedMessageException>(
            () => PushResult.ReadAsync(new MemoryStream([.. train, .. taskId]), _ => ResultExpectation.Nothing, 1 << 20, CancellationToken.None));

        Assert.Contains("task_id", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PullTaskFrame_SingleMessageAndFragments_ParseAlike()
    {
        var original = Awkward();
        var task = new V1.PartyTask
        {
            TaskId = "t9", Kind = V1.TaskKind.Train, RunId = "r", Round = 2, TotalRounds = 4, Seed = 99,
            Plan = new V1.TrainingPlan { Epochs = 3, LearningRate = 0.5f },
            Global = ParameterSetCodec.ToProto(original),
        };
        var whole = new V1.PullTaskResponse { Task = task }.ToByteArray();

        // The coordinator's streaming form: task fields first, then one fragment per tensor; protobuf merges them.
        var header = task.Clone();
        header.Global = null;
        var fragments = new List<byte>(new V1.PullTaskResponse { Task = header }.ToByteArray());
        foreach (var tensor in task.Global.Tensors)
        {
            var fragment = new V1.PullTaskResponse { Task = new V1.PartyTask { Global = new V1.ParameterSet { Tensors = { tensor } } } };
            fragments.AddRange(fragment.ToByteArray());
        }

        foreach (var bytes in new[] { whole, fragments.ToArray() })
        {
            var frame = PullTaskFrame.Parse(bytes);
            Assert.True(frame.HasTask);
            Assert.Equal(("t9", V1.TaskKind.Train, "r", 2, 4, 99UL), (frame.TaskId, frame.Kind, frame.RunId, frame.Round, frame.TotalRounds, frame.Seed));
            Assert.Equal(3, frame.Plan!.Epochs);
            Assert.Equal(Bits(original), Bits(ParameterSetCodec.Decode(frame.Global)));
            Assert.Equal(task, V1.PullTaskResponse.Parser.ParseFrom(bytes).Task);
        }

        Assert.False(PullTaskFrame.Parse(new V1.PullTaskResponse().ToByteArray()).HasTask);
    }

    [Fact]
    public void Decode_WrongShape_ThrowsNamingTheTensor()
    {
        var original = Awkward();
        var message = ParameterSetCodec.ToProto(original);
        message.Tensors[0].Shape[1] = 4;

        var e = Assert.Throws<MalformedMessageException>(() => ParameterSetCodec.FromProto(message, original.Layout));

        Assert.Contains("'a'", e.Message, StringComparison.Ordinal);
        Assert.Contains("2x3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_WrongName_Throws()
    {
        var original = Awkward();
        var message = ParameterSetCodec.ToProto(original);
        message.Tensors[2].Name = "c.bias";

        var e = Assert.Throws<MalformedMessageException>(() => ParameterSetCodec.FromProto(message, original.Layout));

        Assert.Contains("c.weight", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ShortData_Throws()
    {
        var original = Awkward();
        var message = ParameterSetCodec.ToProto(original);
        message.Tensors[1].Data = ByteString.CopyFrom(1, 2, 3);

        Assert.Throws<MalformedMessageException>(() => ParameterSetCodec.FromProto(message, original.Layout));
    }

    // Found by fuzz/ (parameter-set, AFL): the layout a message states sized the set before any data was checked, so
    // 59 bytes naming a tensor of 2^30 floats allocated 4 GiB (AFL saw a hang) before the short data was refused.
    [Fact]
    public void Decode_ShapeWithoutItsData_RefusedBeforeAllocatingTheSet()
    {
        var message = new V1.ParameterSet { Tensors = { new V1.Tensor { Name = "w", Shape = { 1 << 30 }, Data = ByteString.CopyFrom(0, 0, 0, 0) } } };
        var before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<MalformedMessageException>(() => ParameterSetCodec.FromProto(message));

        Assert.Equal("Tensor 'w': expected 4294967296 data bytes, got 4.", e.Message);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1 << 20);
    }

    // Found by fuzz/ (parameter-set, AFL): dimensions whose product overflows a long wrapped to a negative length, and
    // allocating the set threw OverflowException instead of a refusal.
    [Fact]
    public void Decode_ShapeWhoseProductOverflows_ThrowsMalformedMessage()
    {
        var message = new V1.ParameterSet { Tensors = { new V1.Tensor { Name = "w", Shape = { int.MaxValue, int.MaxValue, 4 } } } };

        var e = Assert.Throws<MalformedMessageException>(() => ParameterSetCodec.FromProto(message));

        Assert.StartsWith("Invalid tensor 'w': Tensor 'w' of shape [2147483647x2147483647x4] has more elements", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PushResult_TruncatedMessage_Throws()
    {
        var request = new V1.PushResultRequest
        {
            TaskId = "t1",
            Train = new V1.TrainResult { Delta = ParameterSetCodec.ToProto(Awkward()), Examples = 1 },
        };
        var bytes = request.ToByteArray();

        await Assert.ThrowsAsync<MalformedMessageException>(
            () => PushResult.ReadAsync(new MemoryStream(bytes, 0, bytes.Length - 5), _ => new ResultExpectation { Delta = Awkward().Layout }, 1 << 20, CancellationToken.None));
    }
}
