using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;

namespace Causeway.Coordinator.Runs;

/// <summary>
/// Runs a <see cref="RunConfig"/> (the body of <c>POST /api/runs</c>) with the federation's <see cref="RoundEngine"/>
/// over the coordinator's network channel, with federated evaluation on the parties' held-out data.
/// </summary>
/// <remarks>
/// The coordinator holds no data. When the run starts, the parties connected at that moment are its parties: their
/// data descriptions must share one schema, which sizes the model, and their statistics are merged into the
/// <see cref="RunSetup"/> every task carries (docs/adr/0006-run-setup.md). A resumed run keeps its stored setup.
/// </remarks>
/// <param name="time">The clock for deadlines; null for the system clock.</param>
public sealed class RoundEngineRunDriver(TimeProvider? time = null) : IRunDriver
{
    public IPreparedRun Prepare(string configJson)
    {
        var config = RunConfig.Parse(configJson, "POST /api/runs");
        var errors = config.Validate(RunSite.Network);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors));
        }

        return new PreparedRun(config, time ?? TimeProvider.System);
    }

    private sealed class PreparedRun(RunConfig config, TimeProvider time) : IPreparedRun
    {
        public string Description => $"{config.Name}: {config.Strategy.Name} {config.Model.Type}, {config.Rounds} rounds";

        public int TotalRounds => config.Rounds;

        public async Task<string?> ExecuteAsync(RunContext context, CancellationToken cancellationToken)
        {
            var parties = context.ConnectedParties();
            if (parties.Count == 0)
            {
                throw new InvalidOperationException("No party is connected.");
            }

            // Parties that joined without training data (vertical-only parties, arbiters) take no part in horizontal runs.
            if (parties.Where(p => context.DescribeParty(p) is not null).ToList() is { Count: > 0 } described)
            {
                parties = described;
            }

            var setup = context.StoredSetup ?? RunSetup.Agree([.. parties.Select(p => (p, context.DescribeParty(p)))], ModelFor);
            var options = config.ToRoundEngineOptions(time) with { RunId = context.RunId };
            var engine = new RoundEngine(options);
            var initial = new DenseNetwork(setup.Model).Initialize(config.Seed);
            await context.BeginAsync(setup, context.ResumeFrom?.Global ?? initial, cancellationToken).ConfigureAwait(false);
            var evaluator = new FederatedEvaluator(context.Channel, parties, options.Deadline, time);
            var result = await engine.RunAsync(initial, parties, context.Channel, evaluator, new Observer(context), context.ResumeFrom, cancellationToken)
                .ConfigureAwait(false);
            if (result.Rounds.Count > 0 && result.Rounds.All(r => !r.Succeeded))
            {
                throw new InvalidOperationException(
                    $"No round received the {options.MinResults} updates it needed; the global model never changed. See each round's failures.");
            }

            return result.StoppedEarly;
        }

        private ModelSpec ModelFor(DataSchema schema)
        {
            try
            {
                return config.ToModelSpec(FeatureEncoder.FeatureCount(schema), FeatureEncoder.OutputCount(schema), FeatureEncoder.TaskOf(schema));
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException($"The run's model does not fit the parties' data: {e.Message}", e);
            }
        }
    }

    private sealed class Observer(RunContext context) : IRunObserver
    {
        public ValueTask OnRoundStartedAsync(Federation.RoundInfo round, IReadOnlyList<Federation.PartyId> selected, CancellationToken cancellationToken)
        {
            context.ReportRoundStarted(round.Round);
            return ValueTask.CompletedTask;
        }

        public async ValueTask OnRoundCompletedAsync(RoundSummary summary, RunCheckpoint checkpoint, CancellationToken cancellationToken) =>
            await context.CloseRoundAsync(summary, checkpoint, cancellationToken).ConfigureAwait(false);
    }
}
