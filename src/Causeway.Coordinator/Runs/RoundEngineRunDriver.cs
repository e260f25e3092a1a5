using Causeway.Core.Models;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;

namespace Causeway.Coordinator.Runs;

/// <summary>
/// Runs a <see cref="RunConfig"/> (the body of <c>POST /api/runs</c>) with the federation's <see cref="RoundEngine"/>
/// over the coordinator's network channel, with federated evaluation on the parties' held-out data.
/// </summary>
/// <remarks>
/// The coordinator holds no data, so the model's input width and task come from <paramref name="resolveModel"/>
/// (for example from the federation's schema file). The parties are the ones connected when the run starts.
/// </remarks>
/// <param name="resolveModel">Maps a validated configuration to the model architecture; throw <see cref="ArgumentException"/> to refuse it.</param>
/// <param name="time">The clock for deadlines; null for the system clock.</param>
public sealed class RoundEngineRunDriver(Func<RunConfig, ModelSpec> resolveModel, TimeProvider? time = null) : IRunDriver
{
    public IPreparedRun Prepare(string configJson)
    {
        var config = RunConfig.Parse(configJson, "POST /api/runs");
        var errors = config.Validate(requireDataPaths: false);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors));
        }

        return new PreparedRun(config, resolveModel(config), time ?? TimeProvider.System);
    }

    private sealed class PreparedRun(RunConfig config, ModelSpec spec, TimeProvider time) : IPreparedRun
    {
        public string Description => $"{config.Name}: {config.Strategy.Name} {spec.DisplayName}, {config.Rounds} rounds";

        public int TotalRounds => config.Rounds;

        public async Task ExecuteAsync(RunContext context, CancellationToken cancellationToken)
        {
            var parties = context.ConnectedParties();
            if (parties.Count == 0)
            {
                throw new InvalidOperationException("No party is connected.");
            }

            var options = config.ToRoundEngineOptions(time) with { RunId = context.RunId };
            var engine = new RoundEngine(options);
            var initial = new DenseNetwork(spec).Initialize(config.Seed);
            context.ReportModel(spec, context.ResumeFrom?.Global ?? initial);
            var evaluator = options.EvaluateEveryRounds > 0 ? new FederatedEvaluator(context.Channel, parties, options.Deadline, time) : null;
            await engine.RunAsync(initial, parties, context.Channel, evaluator, new Observer(context, spec), context.ResumeFrom, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    private sealed class Observer(RunContext context, ModelSpec spec) : IRunObserver
    {
        public ValueTask OnRoundStartedAsync(Federation.RoundInfo round, IReadOnlyList<Federation.PartyId> selected, CancellationToken cancellationToken)
        {
            context.ReportRoundStarted(round.Round);
            return ValueTask.CompletedTask;
        }

        public async ValueTask OnRoundCompletedAsync(RoundSummary summary, RunCheckpoint checkpoint, CancellationToken cancellationToken) =>
            await context.CloseRoundAsync(spec, summary, checkpoint, cancellationToken).ConfigureAwait(false);
    }
}
