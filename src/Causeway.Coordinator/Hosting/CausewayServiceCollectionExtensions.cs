using Causeway.Coordinator.Endpoints;
using Causeway.Coordinator.Mailbox;
using Causeway.Coordinator.Parties;
using Causeway.Coordinator.Runs;
using Causeway.Coordinator.Statistics;
using Causeway.Coordinator.Storage;
using Causeway.Coordinator.Vertical;
using Causeway.Federation.Horizontal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Causeway.Coordinator.Hosting;

/// <summary>Registers the coordinator's services.</summary>
public static class CausewayServiceCollectionExtensions
{
    /// <summary>
    /// Adds the protocol handlers, party registry, task mailbox, <see cref="NetworkPartyChannel"/> (also as
    /// <see cref="IPartyChannel"/>), <see cref="RunManager"/>, <see cref="VerticalJobs"/>, an <see cref="InMemoryRunRegistry"/> unless an
    /// <see cref="IRunRegistry"/> is already registered, and the heartbeat monitor. Register an
    /// <see cref="IRunDriver"/> to enable <c>POST /api/runs</c>, and an <see cref="IRunStore"/> to persist runs,
    /// closed rounds and checkpoints (and to resume an interrupted run at start-up, see <see cref="CoordinatorOptions.ResumeInterruptedRun"/>).
    /// </summary>
    public static IServiceCollection AddCauseway(this IServiceCollection services, Action<CoordinatorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<CoordinatorOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.Validate(o =>
        {
            o.Validate();
            return true;
        });
        services.AddRouting();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRunRegistry, InMemoryRunRegistry>();
        services.TryAddSingleton<PartyRegistry>();
        services.TryAddSingleton<TaskMailbox>();
        services.TryAddSingleton<ProtocolHandlers>();
        services.TryAddSingleton(sp => new NetworkPartyChannel(
            sp.GetRequiredService<TaskMailbox>(), sp.GetRequiredService<PartyRegistry>(), sp.GetRequiredService<ILogger<NetworkPartyChannel>>()));
        services.TryAddSingleton<IPartyChannel>(sp => sp.GetRequiredService<NetworkPartyChannel>());
        services.TryAddSingleton(sp => new RunManager(
            sp.GetRequiredService<IRunRegistry>(),
            sp.GetService<IRunStore>(),
            sp.GetService<IRunDriver>(),
            sp.GetRequiredService<NetworkPartyChannel>(),
            sp.GetRequiredService<PartyRegistry>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RunManager>>()));
        services.TryAddSingleton(sp => new VerticalJobs(
            sp.GetRequiredService<NetworkPartyChannel>(),
            sp.GetRequiredService<TaskMailbox>(),
            sp.GetRequiredService<PartyRegistry>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<VerticalJobs>>()));
        services.TryAddSingleton(sp => new StatisticsReleaser(
            sp.GetRequiredService<RunManager>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<CoordinatorOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IRunStore>()));
        services.AddHostedService<HeartbeatMonitor>();
        services.AddHostedService(sp => new RunRecovery(
            sp.GetRequiredService<RunManager>(),
            sp.GetRequiredService<PartyRegistry>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<CoordinatorOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RunRecovery>>(),
            sp.GetService<IRunStore>()));
        return services;
    }
}
