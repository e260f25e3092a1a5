using System.Net;
using System.Net.Sockets;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Party;
using Causeway.Protocol.Security;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// A party given several coordinator addresses (<see cref="PartyClientOptions.FailoverCoordinators"/>) moves to the next
/// one when a call cannot reach the current one, and joins and trains there: how parties follow a standby that took over.
/// </summary>
public sealed class PartyFailoverTests
{
    [Fact]
    public async Task Join_FirstAddressRefusesConnections_ClientMovesToTheNextAddressAndJoinsThere()
    {
        await using var server = await CoordinatorServer.StartAsync();
        var nobody = new Uri($"https://127.0.0.1:{FreePort()}/");
        var options = server.PartyOptions("hospital-a");
        options.Coordinator = nobody;
        options.FailoverCoordinators.Add(server.Address);
        using var client = new PartyClient(options);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.JoinAsync(null, CancellationToken.None)).DefaultTimeout();
        var movedTo = client.Coordinator;
        var info = await client.JoinAsync(null, CancellationToken.None).DefaultTimeout();

        Assert.Equal(server.Address, movedTo);
        Assert.Equal("test-federation", info.FederationId);
        Assert.True(client.IsJoined);
    }

    [Fact]
    public async Task Join_EveryAddressRefuses_ClientCyclesBackToTheFirst()
    {
        var first = new Uri($"https://127.0.0.1:{FreePort()}/");
        var second = new Uri($"https://127.0.0.1:{FreePort()}/");
        using var authority = DevCertificates.CreateAuthority("test-federation", TimeSpan.FromDays(1));
        var options = new PartyClientOptions { Coordinator = first, PartyId = "hospital-a", JoinToken = "t", FederationAuthority = authority };
        options.FailoverCoordinators.Add(second);
        using var client = new PartyClient(options);

        var seen = new List<Uri> { client.Coordinator };
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => client.JoinAsync(null, CancellationToken.None)).DefaultTimeout();
            seen.Add(client.Coordinator);
        }

        Assert.Equal([first, second, first], seen);
    }

    [Fact]
    public async Task PartyHost_ActiveCoordinatorGoesAway_FollowsTheStandbyAtTheNextAddressAndTrainsThere()
    {
        using var authority = DevCertificates.CreateAuthority("test-federation", TimeSpan.FromDays(1));
        var active = await CoordinatorServer.StartAsync(authority: authority);
        var standbyPort = FreePort();
        var party = new PartyId("hospital-a");
        var options = active.PartyOptions(party.Value);
        options.FailoverCoordinators.Add(new Uri($"https://127.0.0.1:{standbyPort}/"));
        using var client = new PartyClient(options);
        using var stop = new CancellationTokenSource();
        var host = new PartyHost(client, new ConstantDeltaHandler(party, 2.5f), options).RunAsync(stop.Token);
        await active.WaitUntilPollingAsync(party.Value).DefaultTimeout();

        // The active coordinator disappears; the standby starts serving at the second address, as after a takeover.
        await active.DisposeAsync();
        await using var standby = await CoordinatorServer.StartAsync(port: standbyPort, authority: authority);
        await standby.WaitUntilPollingAsync(party.Value).DefaultTimeout();
        var reply = await standby.Channel.TrainAsync(party, Models.TrainTask(1), CancellationToken.None).DefaultTimeout();

        Assert.Equal(standby.Address, client.Coordinator);
        Assert.All(reply.Update!.Delta.Values.ToArray(), v => Assert.Equal(2.5f, v));
        await stop.CancelAsync();
        await host.DefaultTimeout();
    }

    [Fact]
    public void Validate_RelativeFailoverAddress_Throws()
    {
        var options = new PartyClientOptions { Coordinator = new Uri("https://a:7443/"), PartyId = "p", JoinToken = "t" };
        options.FailoverCoordinators.Add(new Uri("/b", UriKind.Relative));

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(nameof(PartyClientOptions.FailoverCoordinators), error.ParamName);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
