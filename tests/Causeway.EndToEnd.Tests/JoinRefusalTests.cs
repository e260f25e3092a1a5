using System.Net;
using System.Security.Authentication;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Party;
using Causeway.Protocol;
using Causeway.Protocol.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// A refused join is permanent: <see cref="PartyHost.RunAsync"/> ends after one attempt instead of retrying (the issue's
/// party asked ~450 times a second). The wire tap counts the joins the coordinator received.
/// </summary>
public sealed class JoinRefusalTests
{
    private static readonly PartyId HospitalA = new("hospital-a");

    [Fact]
    public async Task RunAsync_WrongJoinToken_ThrowsAfterOneJoin()
    {
        var tap = new WireTap();
        await using var server = await CoordinatorServer.StartAsync(tap: tap);
        var options = server.PartyOptions(HospitalA.Value, token: "not-the-token");
        using var client = new PartyClient(options);
        using var host = new PartyHost(client, new ConstantDeltaHandler(HospitalA, 1f), options);

        var e = await Assert.ThrowsAsync<CoordinatorException>(() => host.RunAsync(CancellationToken.None)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Unauthorized, e.Status);
        Assert.Equal("invalid join token", e.Reason);
        Assert.Equal(1, Joins(tap));
    }

    [Fact]
    public async Task RunAsync_ExpiredJoinToken_ThrowsAfterOneJoin()
    {
        var tap = new WireTap();
        await using var server = await CoordinatorServer.StartAsync(o => o.AddJoinToken("last-years-token", expiresAt: DateTimeOffset.UtcNow.AddDays(-1)), tap: tap);
        var options = server.PartyOptions(HospitalA.Value, token: "last-years-token");
        using var client = new PartyClient(options);
        using var host = new PartyHost(client, new ConstantDeltaHandler(HospitalA, 1f), options);

        var e = await Assert.ThrowsAsync<CoordinatorException>(() => host.RunAsync(CancellationToken.None)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Unauthorized, e.Status);
        Assert.Equal("join token expired", e.Reason);
        Assert.Equal(1, Joins(tap));
    }

    [Fact]
    public async Task RunAsync_SessionEndsAfterTheTokenExpired_RejoinsOnceAndThrowsTheRefusal()
    {
        // The party's token expires at T0 + 1 h; sessions opened before stay valid. At T0 + 2 h another process joins
        // as the same party, which ends the party's session: it joins again once, and that join is refused.
        var t0 = DateTimeOffset.UtcNow;
        var clock = new ManualClock(t0);
        var tap = new WireTap();
        await using var server = await CoordinatorServer.StartAsync(
            o =>
            {
                o.AddJoinToken("expiring-token", expiresAt: t0.AddHours(1));
                o.LongPollTimeout = TimeSpan.FromMilliseconds(200);
            },
            s => s.AddSingleton<TimeProvider>(clock),
            tap: tap);
        var options = server.PartyOptions(HospitalA.Value, token: "expiring-token");
        using var client = new PartyClient(options);
        using var host = new PartyHost(client, new ConstantDeltaHandler(HospitalA, 1f), options);
        var running = host.RunAsync(CancellationToken.None);
        await server.WaitUntilPollingAsync(HospitalA.Value).DefaultTimeout();

        clock.Now = t0.AddHours(2);
        using var intruder = server.CreateClient(HospitalA.Value);
        await intruder.JoinAsync(null, CancellationToken.None).DefaultTimeout();
        var e = await Assert.ThrowsAsync<CoordinatorException>(() => running).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Unauthorized, e.Status);
        Assert.Equal("join token expired", e.Reason);
        Assert.Equal(3, Joins(tap)); // the party's join, the intruder's, the party's one rejoin
    }

    [Fact]
    public async Task RunAsync_CoordinatorCertificateFromAnotherCa_ThrowsSayingWhichCa()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var impostor = DevCertificates.CreateAuthority("impostor", TimeSpan.FromDays(1));
        var options = server.PartyOptions(HospitalA.Value, authority: impostor);
        using var client = new PartyClient(options);
        using var host = new PartyHost(client, new ConstantDeltaHandler(HospitalA, 1f), options);

        var e = await Assert.ThrowsAsync<AuthenticationException>(() => host.RunAsync(CancellationToken.None)).DefaultTimeout();

        Assert.Equal(
            $"The coordinator at {server.Address} is not trusted: its certificate (CN=localhost, issued by CN=test-federation Causeway CA) is not issued by the federation CA given (CN=impostor Causeway CA).",
            e.Message);
    }

    private static int Joins(WireTap tap) => tap.Requests.Count(r => r.Path == CausewayProtocol.JoinPath);

    /// <summary>A clock the test moves by hand (timers still run on real time).</summary>
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;

        public DateTimeOffset Now
        {
            get => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
            set => Interlocked.Exchange(ref _ticks, value.UtcTicks);
        }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
