using Causeway.Federation.Vertical.Alignment;
using Causeway.Protocol;
using Causeway.Protocol.Psi;
using Causeway.Protocol.V1;
using Google.Protobuf;

namespace Causeway.EndToEnd.Tests.Psi;

public sealed class PsiWireTests
{
    [Theory]
    [InlineData(PsiStream.GuestPoints)]
    [InlineData(PsiStream.GuestTags)]
    [InlineData(PsiStream.HostPoints)]
    [InlineData(PsiStream.Result)]
    public void ToMessage_ThroughBytesAndBack_GivesTheSameBatch(PsiStream stream)
    {
        var batch = new PsiBatch(stream, 7, IsLast: true, new byte[] { 4, 1, 2, 3 });

        var bytes = PsiWire.ToMessage("session-1", 2, batch).ToByteArray();
        var message = PsiBatchMessage.Parser.ParseFrom(bytes);
        var back = PsiWire.ToBatch(message);

        Assert.Equal(("session-1", 2), (message.SessionId, message.Host));
        Assert.Equal((stream, 7, true), (back.Stream, back.Index, back.IsLast));
        Assert.Equal(new byte[] { 4, 1, 2, 3 }, back.Payload.ToArray());
    }

    [Fact]
    public void ToBatch_UnknownStreamOrNegativeIndex_IsMalformed()
    {
        var noStream = new PsiBatchMessage { SessionId = "s", Host = 0, Index = 0 };
        var negative = new PsiBatchMessage { SessionId = "s", Host = 0, Index = -1, Stream = PsiStreamKind.PsiStreamGuestTags };

        var first = Assert.Throws<MalformedMessageException>(() => PsiWire.ToBatch(noStream));
        var second = Assert.Throws<MalformedMessageException>(() => PsiWire.ToBatch(negative));

        Assert.Contains("no known stream", first.Message, StringComparison.Ordinal);
        Assert.Contains("index >= 0", second.Message, StringComparison.Ordinal);
    }
}
