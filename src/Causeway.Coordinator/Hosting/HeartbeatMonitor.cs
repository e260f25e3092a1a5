using Causeway.Coordinator.Parties;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Causeway.Coordinator.Hosting;

/// <summary>Ends the sessions of parties not heard from within the heartbeat timeout (their open tasks become dropouts).</summary>
internal sealed class HeartbeatMonitor(PartyRegistry registry, IOptions<CoordinatorOptions> options, TimeProvider time, ILogger<HeartbeatMonitor> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A sweep every quarter timeout bounds detection at 1.25x the timeout.
        var period = options.Value.HeartbeatTimeout / 4;
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (var (party, silence) in registry.ExpireStale())
                {
                    CoordinatorLog.PartyExpired(logger, party.Value, silence.TotalSeconds);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
