using Causeway.Party;

namespace Causeway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Party hosts running in the test process against a <see cref="CoordinatorServer"/> over HTTP/2, each joined and
/// polling for tasks when <see cref="StartAsync"/> returns. <see cref="StopAsync"/> (or disposing) stops them, waits
/// for their loops to end and releases their clients.
/// </summary>
public sealed class InProcessParties : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(PartyClient Client, PartyHost Host, Task Running)> _parties = [];
    private bool _stopped;

    private InProcessParties()
    {
    }

    /// <summary>The hosts, in the order given.</summary>
    public IReadOnlyList<PartyHost> Hosts => [.. _parties.Select(p => p.Host)];

    /// <summary>Starts a host per (party id, handler), one after another, each polling before the next joins.</summary>
    public static async Task<InProcessParties> StartAsync(CoordinatorServer server, IReadOnlyList<(string Name, ITaskHandler Handler)> parties)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(parties);
        var started = new InProcessParties();
        foreach (var (name, handler) in parties)
        {
            var client = server.CreateClient(name);
            var host = new PartyHost(client, handler, server.PartyOptions(name));
            started._parties.Add((client, host, host.RunAsync(started._stop.Token)));
            await server.WaitUntilPollingAsync(name).DefaultTimeout();
        }

        return started;
    }

    /// <summary>Stops every host and waits for it; safe to call more than once.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _stop.CancelAsync();
        await Task.WhenAll(_parties.Select(p => p.Running)).DefaultTimeout();
        foreach (var (client, host, _) in _parties)
        {
            client.Dispose();
            host.Dispose();
        }

        _stop.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
