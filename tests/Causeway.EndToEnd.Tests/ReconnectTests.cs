using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Party;
using Causeway.Protocol.Security;

namespace Causeway.EndToEnd.Tests;

public sealed class ReconnectTests
{
    [Fact]
    public async Task PartyHost_CoordinatorRestarts_ReconnectsRejoinsAndTrains()
    {
        using var authority = DevCertificates.CreateAuthority("test-federation", TimeSpan.FromDays(1));
        var first = await CoordinatorServer.StartAsync(authority: authority);
        var port = first.Address.Port;
        var party = new PartyId("hospital-a");
        using var stop = new CancellationTokenSource();
        using var client = first.CreateClient(party.Value);
        var handler = new ConstantDeltaHandler(party, 1.5f);
        var host = new PartyHost(client, handler, first.PartyOptions(party.Value)).RunAsync(stop.Token);
        await first.WaitUntilPollingAsync(party.Value).DefaultTimeout();

        // The coordinator goes away (the party sees network errors and backs off), then comes back on the same
        // address without the old sessions (the party's token is refused with 401 and it joins again).
        await first.DisposeAsync();
        await using var second = await CoordinatorServer.StartAsync(port: port, authority: authority);
        await second.WaitUntilPollingAsync(party.Value).DefaultTimeout();
        var reply = await second.Channel.TrainAsync(party, Models.TrainTask(1), CancellationToken.None).DefaultTimeout();

        Assert.All(reply.Update!.Delta.Values.ToArray(), v => Assert.Equal(1.5f, v));
        await stop.CancelAsync();
        await host.DefaultTimeout();
    }
}
