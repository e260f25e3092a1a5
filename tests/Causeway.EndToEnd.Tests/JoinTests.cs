using System.Net;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Party;

namespace Causeway.EndToEnd.Tests;

public sealed class JoinTests
{
    [Fact]
    public async Task Join_RightToken_ReturnsFederationInfo_OverHttp2()
    {
        await using var server = await CoordinatorServer.StartAsync(o => o.LongPollTimeout = TimeSpan.FromSeconds(7));
        using var client = server.CreateClient("hospital-a");

        var info = await client.JoinAsync(null, CancellationToken.None).DefaultTimeout();

        Assert.Equal("test-federation", info.FederationId);
        Assert.Equal(TimeSpan.FromSeconds(7), info.LongPollTimeout);
        Assert.Equal(256L * 1024 * 1024, info.MaxMessageBytes);
        Assert.True(client.IsJoined);
        await client.HeartbeatAsync(null, CancellationToken.None).DefaultTimeout();
        Assert.Equal("HTTP/2", server.Protocols[Protocol.CausewayProtocol.JoinPath]);
        Assert.Equal("HTTP/2", server.Protocols[Protocol.CausewayProtocol.HeartbeatPath]);
    }

    [Fact]
    public async Task Join_WrongToken_Is401_AndCallsWithoutSessionAre401()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var client = server.CreateClient("hospital-a", token: "not-the-token");

        var e = await Assert.ThrowsAsync<CoordinatorException>(() => client.JoinAsync(null, CancellationToken.None)).DefaultTimeout();
        var (status, _) = await client.PostRawAsync(Protocol.CausewayProtocol.PullTaskPath, Protobuf([]), CancellationToken.None).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Unauthorized, e.Status);
        Assert.Equal("invalid join token", e.Reason);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Join_PartyNotInTokensList_Is403()
    {
        await using var server = await CoordinatorServer.StartAsync(o => o.AddJoinToken("members-only", ["hospital-a"]));
        using var member = server.CreateClient("hospital-a", "members-only");
        using var stranger = server.CreateClient("hospital-z", "members-only");

        await member.JoinAsync(null, CancellationToken.None).DefaultTimeout();
        var e = await Assert.ThrowsAsync<CoordinatorException>(() => stranger.JoinAsync(null, CancellationToken.None)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Forbidden, e.Status);
        Assert.Contains("hospital-z", e.Reason, StringComparison.Ordinal);
    }

    internal static ByteArrayContent Protobuf(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(Protocol.CausewayProtocol.ContentType);
        return content;
    }
}
