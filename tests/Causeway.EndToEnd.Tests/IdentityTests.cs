using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Causeway.Coordinator.Hosting;
using Causeway.Coordinator.Parties;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Party;
using Causeway.Protocol;
using Causeway.Protocol.Security;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// Who may say what, over real HTTP/2 + TLS on loopback: sessions bound to the party's certificate, results only for
/// one's own open tasks, join tokens that expire, sessions that expire, certificates the coordinator refuses.
/// </summary>
public sealed class IdentityTests
{
    private static readonly PartyId HospitalA = new("hospital-a");

    [Theory]
    [InlineData(CausewayProtocol.HeartbeatPath)]
    [InlineData(CausewayProtocol.PullTaskPath)]
    [InlineData(CausewayProtocol.PushResultPath)]
    public async Task MutualTls_AnotherPartysSessionTokenOverOwnCertificate_Is403_AndTheOwnerGoesOn(string path)
    {
        using var authority = DevCertificates.CreateAuthority("test-federation", TimeSpan.FromDays(1));
        await using var server = await CoordinatorServer.StartAsync(authority: authority, requireClientCertificates: true);
        using var certificateA = DevCertificates.IssuePartyCertificate(authority, "hospital-a", TimeSpan.FromDays(1));
        using var certificateB = DevCertificates.IssuePartyCertificate(authority, "hospital-b", TimeSpan.FromDays(1));
        using var partyA = new RawParty(server, certificateA);
        using var partyB = new RawParty(server, certificateB);
        var tokenB = await partyB.JoinAsync("hospital-b");
        await partyA.JoinAsync("hospital-a");

        // hospital-a learned hospital-b's session token and presents it over its own (valid, federation-issued) certificate.
        var (status, error) = await partyA.PostAsync(path, tokenB, Message(path));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("the session token does not belong to the party the client certificate names ('hospital-a')", error);
        var (ownStatus, _) = await partyB.PostAsync(CausewayProtocol.HeartbeatPath, tokenB, new V1.HeartbeatRequest());
        Assert.Equal(HttpStatusCode.OK, ownStatus);
    }

    [Fact]
    public async Task OptionalClientCertificates_SessionOpenedWithOne_CannotBeUsedWithout()
    {
        using var authority = DevCertificates.CreateAuthority("test-federation", TimeSpan.FromDays(1));
        await using var app = await StartWithOptionalCertificatesAsync(authority);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        using var certificate = DevCertificates.IssuePartyCertificate(authority, "hospital-a", TimeSpan.FromDays(1));
        using var withCertificate = new RawParty(address, authority, certificate);
        using var withoutCertificate = new RawParty(address, authority, null);
        var token = await withCertificate.JoinAsync("hospital-a");
        var tokenWithout = await withoutCertificate.JoinAsync("hospital-b");

        var (status, error) = await withoutCertificate.PostAsync(CausewayProtocol.HeartbeatPath, token, new V1.HeartbeatRequest());
        var (ownStatus, _) = await withCertificate.PostAsync(CausewayProtocol.HeartbeatPath, token, new V1.HeartbeatRequest());
        var (plainStatus, _) = await withoutCertificate.PostAsync(CausewayProtocol.HeartbeatPath, tokenWithout, new V1.HeartbeatRequest());

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("the session was opened with a client certificate; present it on every call", error);
        Assert.Equal(HttpStatusCode.OK, ownStatus);
        Assert.Equal(HttpStatusCode.OK, plainStatus);
    }

    [Fact]
    public async Task MutualTls_PushForAnotherPartysTask_Is403NamingTheTask_AndTheOwnersPushIsAccepted()
    {
        using var authority = DevCertificates.CreateAuthority("test-federation", TimeSpan.FromDays(1));
        await using var server = await CoordinatorServer.StartAsync(authority: authority, requireClientCertificates: true);
        using var certificateA = DevCertificates.IssuePartyCertificate(authority, "hospital-a", TimeSpan.FromDays(1));
        using var certificateB = DevCertificates.IssuePartyCertificate(authority, "hospital-b", TimeSpan.FromDays(1));
        using var owner = Client(server, "hospital-a", certificateA);
        using var intruder = Client(server, "hospital-b", certificateB);
        await owner.JoinAsync(null, CancellationToken.None).DefaultTimeout();
        await intruder.JoinAsync(null, CancellationToken.None).DefaultTimeout();
        var train = server.Channel.TrainAsync(HospitalA, Models.TrainTask(1), CancellationToken.None);
        var task = (await owner.PullTaskAsync(CancellationToken.None).DefaultTimeout())!;

        var e = await Assert.ThrowsAsync<CoordinatorException>(() => intruder.PushTrainResultAsync(task, Reply(HospitalA, 9f), thenPull: false, CancellationToken.None))
            .DefaultTimeout();
        await owner.PushTrainResultAsync(task, Reply(HospitalA, 0.25f), thenPull: false, CancellationToken.None).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Forbidden, e.Status);
        Assert.Equal($"task '{task.TaskId}' was given to another party", e.Reason);
        var reply = await train.DefaultTimeout();
        Assert.Equal(HospitalA, reply.Update!.Party);
        Assert.All(reply.Update.Delta.Values.ToArray(), v => Assert.Equal(0.25f, v));
    }

    [Fact]
    public async Task Push_ReplayedWithOtherValues_Is409_AndTheFirstResultIsKept()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var client = server.CreateClient(HospitalA.Value);
        await client.JoinAsync(null, CancellationToken.None).DefaultTimeout();
        var train = server.Channel.TrainAsync(HospitalA, Models.TrainTask(1), CancellationToken.None);
        var task = (await client.PullTaskAsync(CancellationToken.None).DefaultTimeout())!;
        await client.PushTrainResultAsync(task, Reply(HospitalA, 1f), thenPull: false, CancellationToken.None).DefaultTimeout();

        var e = await Assert.ThrowsAsync<CoordinatorException>(() => client.PushTrainResultAsync(task, Reply(HospitalA, 7f), thenPull: false, CancellationToken.None))
            .DefaultTimeout();

        Assert.Equal(HttpStatusCode.Conflict, e.Status);
        Assert.Equal("duplicate result: the task's first result was received", e.Reason);
        Assert.Equal(Protocol.V1.ErrorReason.DuplicateOfAccepted, e.Code);
        Assert.All((await train.DefaultTimeout()).Update!.Delta.Values.ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public async Task Push_NamingAnotherRunOrRound_Is400_AndTheTaskStaysOpen()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var client = server.CreateClient(HospitalA.Value);
        await client.JoinAsync(null, CancellationToken.None).DefaultTimeout();
        var train = server.Channel.TrainAsync(HospitalA, Models.TrainTask(3), CancellationToken.None);
        var task = (await client.PullTaskAsync(CancellationToken.None).DefaultTimeout())!;

        var wrongRound = await Assert.ThrowsAsync<CoordinatorException>(() =>
            client.PushTrainResultAsync(WithRound(task, task.Round with { Round = 2 }), Reply(HospitalA, 5f), thenPull: false, CancellationToken.None)).DefaultTimeout();
        var wrongRun = await Assert.ThrowsAsync<CoordinatorException>(() =>
            client.PushTrainResultAsync(WithRound(task, task.Round with { RunId = "run-other" }), Reply(HospitalA, 5f), thenPull: false, CancellationToken.None)).DefaultTimeout();
        await client.PushTrainResultAsync(task, Reply(HospitalA, 0.5f), thenPull: false, CancellationToken.None).DefaultTimeout();

        Assert.Equal(HttpStatusCode.BadRequest, wrongRound.Status);
        Assert.Equal("the result names run 'run-test' round 2, but the task is run 'run-test' round 3", wrongRound.Reason);
        Assert.Equal(HttpStatusCode.BadRequest, wrongRun.Status);
        Assert.Equal("the result names run 'run-other' round 3, but the task is run 'run-test' round 3", wrongRun.Reason);
        Assert.All((await train.DefaultTimeout()).Update!.Delta.Values.ToArray(), v => Assert.Equal(0.5f, v));
    }

    [Fact]
    public async Task Join_ExpiredToken_Is401JoinTokenExpired_AnUnexpiredOneStillWorks()
    {
        var now = DateTimeOffset.UtcNow;
        await using var server = await CoordinatorServer.StartAsync(o => o
            .AddJoinToken("last-years-token", expiresAt: now.AddMinutes(-1))
            .AddJoinToken("this-years-token", expiresAt: now.AddDays(1)));
        using var late = server.CreateClient(HospitalA.Value, "last-years-token");
        using var timely = server.CreateClient("hospital-b", "this-years-token");

        var e = await Assert.ThrowsAsync<CoordinatorException>(() => late.JoinAsync(null, CancellationToken.None)).DefaultTimeout();
        await timely.JoinAsync(null, CancellationToken.None).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Unauthorized, e.Status);
        Assert.Equal("join token expired", e.Reason);
        Assert.False(late.IsJoined);
        await timely.HeartbeatAsync(null, CancellationToken.None).DefaultTimeout();
    }

    [Fact]
    public async Task Session_ExpiredOnHeartbeatSilence_Is401_ThenThePartyJoinsAgainAndTrains()
    {
        await using var server = await CoordinatorServer.StartAsync(o =>
        {
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
            o.HeartbeatTimeout = TimeSpan.FromSeconds(1);
        });
        using var client = server.CreateClient(HospitalA.Value);
        await client.JoinAsync(null, CancellationToken.None).DefaultTimeout();
        var registry = server.Services.GetRequiredService<PartyRegistry>();

        // The party goes silent (polling the registry is not a request, so it does not keep the session alive).
        await WaitUntilAsync(() => !registry.IsConnected(HospitalA)).DefaultTimeout();
        var e = await Assert.ThrowsAsync<CoordinatorException>(() => client.HeartbeatAsync(null, CancellationToken.None)).DefaultTimeout();
        await client.JoinAsync(null, CancellationToken.None).DefaultTimeout();
        var train = server.Channel.TrainAsync(HospitalA, Models.TrainTask(1), CancellationToken.None);
        var task = (await client.PullTaskAsync(CancellationToken.None).DefaultTimeout())!;
        await client.PushTrainResultAsync(task, Reply(HospitalA, 2f), thenPull: false, CancellationToken.None).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Unauthorized, e.Status);
        Assert.True(e.SessionExpired);
        Assert.Equal("missing, invalid or expired session token; join again", e.Reason);
        Assert.All((await train.DefaultTimeout()).Update!.Delta.Values.ToArray(), v => Assert.Equal(2f, v));
    }

    [Fact]
    public async Task MutualTls_ExpiredPartyCertificate_FailsTheHandshake_AValidOneJoins()
    {
        var threeDaysAgo = new FixedClock(DateTimeOffset.UtcNow.AddDays(-3));
        using var authority = DevCertificates.CreateAuthority("test-federation", TimeSpan.FromDays(10), threeDaysAgo);
        await using var server = await CoordinatorServer.StartAsync(authority: authority, requireClientCertificates: true);

        // Valid from three days ago until two days ago.
        using var expired = DevCertificates.IssuePartyCertificate(authority, HospitalA.Value, TimeSpan.FromDays(1), threeDaysAgo);
        using var current = DevCertificates.IssuePartyCertificate(authority, HospitalA.Value, TimeSpan.FromDays(1));
        using var stale = Client(server, HospitalA.Value, expired);
        using var renewed = Client(server, HospitalA.Value, current);

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => stale.JoinAsync(null, CancellationToken.None)).DefaultTimeout();
        var info = await renewed.JoinAsync(null, CancellationToken.None).DefaultTimeout();

        Assert.True(expired.NotAfter < DateTime.Now);
        Assert.Null(e.StatusCode);
        Assert.Equal("test-federation", info.FederationId);
    }

    // A coordinator whose TLS asks for, but does not require, client certificates (ClientCertificateMode.AllowCertificate).
    private static async Task<WebApplication> StartWithOptionalCertificatesAsync(X509Certificate2 authority)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var serverCertificate = DevCertificates.IssueLocalhostCertificate(authority, TimeSpan.FromDays(1));
        builder.WebHost.ConfigureKestrel(k => k.ListenCauseway(
            new IPEndPoint(IPAddress.Loopback, 0), serverCertificate, authority, ClientCertificateMode.AllowCertificate));
        builder.Services.AddCauseway(o => o.AddJoinToken(CoordinatorServer.JoinToken));
        var app = builder.Build();
        app.MapCauseway();
        await app.StartAsync().DefaultTimeout();
        return app;
    }

    private static PartyClient Client(CoordinatorServer server, string party, X509Certificate2 certificate)
    {
        var options = server.PartyOptions(party);
        options.ClientCertificate = certificate;
        return new PartyClient(options);
    }

    private static ReceivedTask WithRound(ReceivedTask task, RoundInfo round) => task with { Train = task.Train! with { Round = round } };

    private static PartyReply Reply(PartyId party, float value) => PartyReply.Success(new PartyUpdate(party, Models.Filled(Models.Layout, value), 5, 0.1));

    private static IMessage Message(string path) => path switch
    {
        CausewayProtocol.HeartbeatPath => new V1.HeartbeatRequest(),
        CausewayProtocol.PullTaskPath => new V1.PullTaskRequest(),
        _ => new V1.PushResultRequest { TaskId = "any-task", RunId = "run-test", Round = 1, Failure = new V1.FailureReport { Reason = "x" } },
    };

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(20);
        }
    }

    /// <summary>A clock stopped at one instant, to issue certificates that are already expired.</summary>
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>HTTP/2 requests with a chosen client certificate and a chosen session token (which a PartyClient keeps to itself).</summary>
    private sealed class RawParty : IDisposable
    {
        private readonly HttpClient _http;

        public RawParty(CoordinatorServer server, X509Certificate2 certificate)
            : this(server.Address, server.Authority, certificate)
        {
        }

        public RawParty(Uri address, X509Certificate2 authority, X509Certificate2? certificate)
        {
            var handler = new SocketsHttpHandler();
            handler.SslOptions.RemoteCertificateValidationCallback = new FederationTrust(authority).ValidateServer;
            if (certificate is not null)
            {
                handler.SslOptions.ClientCertificates = [certificate];
            }

            _http = new HttpClient(handler)
            {
                BaseAddress = address,
                DefaultRequestVersion = HttpVersion.Version20,
                DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
        }

        public async Task<string> JoinAsync(string party)
        {
            var (status, body) = await SendAsync(CausewayProtocol.JoinPath, null, new V1.JoinRequest { PartyId = party, JoinToken = CoordinatorServer.JoinToken });
            Assert.Equal(HttpStatusCode.OK, status);
            return V1.JoinResponse.Parser.ParseFrom(body).SessionToken;
        }

        public async Task<(HttpStatusCode Status, string Error)> PostAsync(string path, string sessionToken, IMessage message)
        {
            var (status, body) = await SendAsync(path, sessionToken, message);
            return (status, status == HttpStatusCode.OK ? "" : V1.Error.Parser.ParseFrom(body).Message);
        }

        public void Dispose() => _http.Dispose();

        private async Task<(HttpStatusCode Status, byte[] Body)> SendAsync(string path, string? sessionToken, IMessage message)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path.TrimStart('/'), UriKind.Relative))
            {
                Content = JoinTests.Protobuf(message.ToByteArray()),
            };
            if (sessionToken is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sessionToken);
            }

            using var response = await _http.SendAsync(request).DefaultTimeout();
            return (response.StatusCode, await response.Content.ReadAsByteArrayAsync().DefaultTimeout());
        }
    }
}
