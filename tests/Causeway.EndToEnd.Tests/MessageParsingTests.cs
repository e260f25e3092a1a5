using Causeway.Protocol;
using Causeway.Protocol.Wire;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests;

// Regressions found by fuzz/ (targets parameter-set, protocol-message, pull-task): a nested length of int.MaxValue made
// Google.Protobuf's generated parsers throw IndexOutOfRangeException or ArgumentOutOfRangeException, or allocate hundreds
// of megabytes for a 21-byte body (protocolbuffers/protobuf#26856), where every caller expects InvalidProtocolBufferException:
// the coordinator answered 500 instead of 400 and a party would crash. MessageParsing checks the framing first (WireShape).
public sealed class MessageParsingTests
{
    // ParameterSet { tensors (length int.MaxValue) { name "s", data ... } }, and ProtocolMessage { paillier_key_request (length int.MaxValue) ... }.
    private static readonly byte[] ParameterSetWithHugeTensorLength = Convert.FromHexString("0AFFFFFFFF070A01731A040000C03F");
    private static readonly byte[] ProtocolMessageWithHugeLength = Convert.FromHexString("4AFFFFFFFF079D1A3A0B0308801010");

    [Fact]
    public void Parse_NestedLengthOfIntMax_ThrowsMalformedMessageInsteadOfIndexOutOfRange()
    {
        var error = Assert.Throws<MalformedMessageException>(() => MessageParsing.Parse(V1.ParameterSet.Parser, ParameterSetWithHugeTensorLength));

        Assert.Equal("Invalid ParameterSet: The message is truncated (a length-delimited field runs past the end).", error.Message);
        Assert.IsType<MalformedMessageException>(error.InnerException);
    }

    [Fact]
    public void Parse_ProtocolMessageWithNestedLengthOfIntMax_ThrowsMalformedMessage()
    {
        var error = Assert.Throws<MalformedMessageException>(() => MessageParsing.Parse(V1.ProtocolMessage.Parser, ProtocolMessageWithHugeLength));

        Assert.StartsWith("Invalid ProtocolMessage: ", error.Message, StringComparison.Ordinal);
    }

    // The same overflow surfacing as ArgumentOutOfRangeException (a string, then unknown bytes, sliced past the end).
    [Theory]
    [InlineData("7A2A62FFFFFFFF070A01")]
    [InlineData("9D7A111AD50F0AFFFFFFFF076A18030AFFFFFFFF076A18032002280132040908070620022801320409080706")]
    public void Parse_ProtocolMessageVariantsOfTheOverflow_ThrowMalformedMessage(string hex)
    {
        var error = Assert.Throws<MalformedMessageException>(() => MessageParsing.Parse(V1.ProtocolMessage.Parser, Convert.FromHexString(hex)));

        Assert.IsType<MalformedMessageException>(error.InnerException);
        Assert.StartsWith("Invalid ProtocolMessage: ", error.Message, StringComparison.Ordinal);
    }

    // 21 and 24 bytes that made Google.Protobuf allocate 512 MiB and 768 MiB before failing.
    [Theory]
    [InlineData("7A2A62FFFFFFFF070A012A62FFFFFFFF01CF01F40B")]
    [InlineData("0AFFFFFFFF070A01731AFFFFFFFFC2FFFFFFFF010000C03F")]
    public void Parse_HugeNestedLengths_RefusedWithoutAllocatingForThem(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        var before = GC.GetAllocatedBytesForCurrentThread();

        Assert.Throws<MalformedMessageException>(() => MessageParsing.Parse(V1.ProtocolMessage.Parser, bytes));
        Assert.Throws<MalformedMessageException>(() => MessageParsing.Parse(V1.ParameterSet.Parser, bytes));

        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1 << 20);
    }

    [Fact]
    public void Parse_ArgumentOutOfRangeFromOurOwnCode_IsNotTakenAsMalformed()
    {
        var parser = new MessageParser<V1.HeartbeatRequest>(() => throw new ArgumentOutOfRangeException("x"));

        Assert.Throws<ArgumentOutOfRangeException>(() => MessageParsing.Parse(parser, [0x0A, 0x00]));
    }

    [Fact]
    public void Parse_Truncated_ThrowsMalformedMessageNamingTheType()
    {
        var bytes = new V1.JoinRequest { PartyId = "p1", JoinToken = "t" }.ToByteArray()[..^1];

        var error = Assert.Throws<MalformedMessageException>(() => MessageParsing.Parse(V1.JoinRequest.Parser, bytes));

        Assert.StartsWith("Invalid JoinRequest: The message is truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ValidMessage_ReturnsIt()
    {
        var bytes = new V1.HeartbeatRequest { CurrentTaskId = "task-1" }.ToByteArray();

        Assert.Equal("task-1", MessageParsing.Parse(V1.HeartbeatRequest.Parser, bytes).CurrentTaskId);
    }

    [Fact]
    public void Merge_NestedLengthOfIntMax_ThrowsMalformedMessageNamingTheMessage()
    {
        var error = Assert.Throws<MalformedMessageException>(() => MessageParsing.Merge(new V1.ParameterSet(), ParameterSetWithHugeTensorLength, "ParameterSet"));

        Assert.StartsWith("Invalid ParameterSet: ", error.Message, StringComparison.Ordinal);
    }
}
