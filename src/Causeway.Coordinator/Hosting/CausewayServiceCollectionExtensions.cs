using Causeway.Coordinator.Dashboard;
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
    /// <see cref="IPartyChannel"/>), the <see cref="RunService"/>, <see cref="VerticalJobs"/>, the statistics releaser, the
    /// heartbeat monitor and run recovery. Runs live in the registered <see cref="IRunStore"/> (SQLite or PostgreSQL,
    /// registered before this call; an <see cref="InMemoryRunStore"/> otherwise, whose runs end with the process). With
    /// a durable store an interrupted run resumes at start-up (<see cref="CoordinatorOptions.ResumeInterruptedRun"/>).
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
        OpenApiDocument.Add(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRunStore>(_ => new InMemoryRunStore());
        services.TryAddSingleton<CoordinatorEvents>();
        services.TryAddSingleton<PartyRegistry>();
        services.TryAddSingleton<TaskMailbox>();
        services.TryAddSingleton<ProtocolHandlers>();
        services.TryAddSingleton(sp => new NetworkPartyChannel(
            sp.GetRequiredService<TaskMailbox>(), sp.GetRequiredService<PartyRegistry>(), sp.GetRequiredService<ILogger<NetworkPartyChannel>>()));
        services.TryAddSingleton<IPartyChannel>(sp => sp.GetRequiredService<NetworkPartyChannel>());
        services.TryAddSingleton(sp => new RunService(
            sp.GetRequiredService<IRunStore>(),
            sp.GetRequiredService<NetworkPartyChannel>(),
            sp.GetRequiredService<PartyRegistry>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<CoordinatorEvents>(),
            sp.GetRequiredService<ILogger<RunService>>()));
        services.TryAddSingleton(sp => new VerticalJobs(
            sp.GetRequiredService<NetworkPartyChannel>(),
            sp.GetRequiredService<TaskMailbox>(),
            sp.GetRequiredService<PartyRegistry>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<CoordinatorEvents>(),
            sp.GetRequiredService<ILogger<VerticalJobs>>()));
        services.TryAddSingleton(sp => new StatisticsReleaser(
            sp.GetRequiredService<IRunStore>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<CoordinatorOptions>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new PopularItemsReleaser(
            sp.GetRequiredService<IRunStore>(),
            sp.GetRequiredService<NetworkPartyChannel>(),
            sp.GetRequiredService<PartyRegistry>(),
            sp.GetRequiredService<RunService>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<CoordinatorOptions>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new Vectors.CodebookTraining(
            sp.GetRequiredService<NetworkPartyChannel>(),
            sp.GetRequiredService<PartyRegistry>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new Vectors.EncoderDeployment(
            sp.GetRequiredService<NetworkPartyChannel>(),
            sp.GetRequiredService<PartyRegistry>(),
            sp.GetRequiredService<RunService>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new Vectors.VectorSearchService(
            sp.GetRequiredService<NetworkPartyChannel>(),
            sp.GetRequiredService<PartyRegistry>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new Vectors.CollectionDirectory(
            sp.GetRequiredService<NetworkPartyChannel>(),
            sp.GetRequiredService<PartyRegistry>()));
        services.AddHostedService<HeartbeatMonitor>();
        services.AddHostedService(sp => new RunRecovery(
            sp.GetRequiredService<RunService>(),
            sp.GetRequiredService<IRunStore>(),
            sp.GetRequiredService<PartyRegistry>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<CoordinatorOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RunRecovery>>()));
        return services;
    }
}
