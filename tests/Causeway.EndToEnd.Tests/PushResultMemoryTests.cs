using Causeway.Protocol.Wire;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// What a pushed result makes the coordinator's parser allocate (issue 9: six 200 MiB garbage pushes raised a
/// coordinator by 1.27 GB for good): a protected update or a step reply is stored only for a task that expects one.
/// Measured as this thread's allocations; a MemoryStream makes the whole read synchronous, so none happens elsewhere.
/// </summary>
public sealed class PushResultMemoryTests
{
    private const int Payload = 32 * 1024 * 1024;

    public static TheoryData<string> LargeFields => ["step_reply", "protected_update"];

    [Theory]
    [MemberData(nameof(LargeFields))]
    public async Task ReadAsync_LargeFieldTheTaskDoesNotExpect_IsReadPastWithoutBeingStored(string field)
    {
        var body = Body(field);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = await PushResult.ReadAsync(new MemoryStream(body, writable: false), _ => ResultExpectation.Nothing, 256L << 20, CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Before: one exactly sized array per push (here 32 MiB), for any task id of any authenticated caller.
        Assert.InRange(allocated, 0, 1 << 20);
        Assert.Equal(("hostile", (V1.ProtocolMessage?)null, (V1.ProtocolMessage?)null), (result.TaskId, result.StepReply, result.ProtectedUpdate));
        Assert.Equal(field == "protected_update", result.HasProtectedUpdate);
    }

    [Theory]
    [MemberData(nameof(LargeFields))]
    public async Task ReadAsync_LargeFieldTheTaskExpects_IsStored(string field)
    {
        var expectation = field == "step_reply" ? new ResultExpectation { StepReply = true } : new ResultExpectation { ProtectedUpdate = true };

        var result = await PushResult.ReadAsync(new MemoryStream(Body(field), writable: false), _ => expectation, 256L << 20, CancellationToken.None);

        var stored = field == "step_reply" ? result.StepReply : result.ProtectedUpdate;
        Assert.Equal(Payload, stored!.SecaggMasked.Values.Length);
    }

    // A well-formed result whose large field is a 32 MiB secure-aggregation masked vector.
    private static byte[] Body(string field)
    {
        var payload = new V1.ProtocolMessage { SecaggMasked = new V1.SecAggMaskedInput { Party = 1, Values = ByteString.CopyFrom(new byte[Payload]) } };
        var request = new V1.PushResultRequest { TaskId = "hostile", RunId = "r", Round = 1 };
        if (field == "step_reply")
        {
            request.StepReply = payload;
        }
        else
        {
            request.Train = new V1.TrainResult { ProtectedUpdate = payload, Examples = 1, TrainLoss = 0.5 };
        }

        return request.ToByteArray();
    }
}
