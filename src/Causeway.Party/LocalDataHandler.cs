using Causeway.Core.Data;
using Causeway.Core.Metrics;
using Causeway.Core.Serialization;
using Causeway.Core.Tensors;
using Causeway.Federation;
using Causeway.Federation.Horizontal;

namespace Causeway.Party;

/// <summary>
/// A party's own data and how it works on it: the training (and optional held-out) table, read once with the party's
/// schema, and encoded for each run with that run's <see cref="RunSetup"/>, so every party standardises its features with
/// the same federation-wide statistics. Training and evaluation run on the thread pool.
/// </summary>
/// <remarks>
/// The rows never leave this object: the coordinator learns only <see cref="Data"/> (the schema and aggregate statistics)
/// and the model deltas. A task whose setup does not fit this party (another schema, no setup) is answered with a
/// <see cref="FailureKind.Dropout"/> that says why; the run goes on with the other parties.
/// </remarks>
public sealed class LocalDataHandler : ITaskHandler
{
    private readonly PartyId _party;
    private readonly DataSchema _schema;
    private readonly DataTable _train;
    private readonly DataTable? _evaluation;
    private readonly Lock _lock = new();
    private (string RunId, RunSetup Setup, PartyTrainer Trainer)? _current;

    // The global model of the last evaluation task, and its run.
    private (string RunId, ParameterSet Global)? _lastEvaluated;

    /// <param name="party">This party's id.</param>
    /// <param name="schemaJson">The JSON text of the schema both tables were read with (the federation's schema file).</param>
    /// <param name="train">The local training table.</param>
    /// <param name="evaluation">A local held-out table for federated evaluation, or null.</param>
    public LocalDataHandler(PartyId party, string schemaJson, DataTable train, DataTable? evaluation)
    {
        ArgumentNullException.ThrowIfNull(schemaJson);
        ArgumentNullException.ThrowIfNull(train);
        _party = party;
        _schema = DataSchema.Parse(schemaJson, "the party's schema");
        _train = train;
        _evaluation = evaluation;
        Data = DataDescription.Of(schemaJson, train);
    }

    public DataDescription Data { get; }

    DataDescription? ITaskHandler.Data => Data;

    /// <summary>The number of training rows.</summary>
    public int TrainingRows => _train.Rows;

    public Task<PartyReply> TrainAsync(TrainTask task, RunSetup? setup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var (trainer, problem) = TrainerFor(task.Round, setup);
        return trainer is null
            ? Task.FromResult(PartyReply.Failed(new PartyFailure(_party, FailureKind.Dropout, problem!)))
            : Task.Run(() => trainer.Train(task, cancellationToken), cancellationToken);
    }

    public Task<Evaluation?> EvaluateAsync(EvaluateTask task, RunSetup? setup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var (trainer, _) = TrainerFor(task.Round, setup);
        if (trainer is null)
        {
            return Task.FromResult<Evaluation?>(null);
        }

        lock (_lock)
        {
            _lastEvaluated = (task.Round.RunId, task.Global);
        }

        return Task.Run(() => trainer.Evaluate(task), cancellationToken);
    }

    /// <summary>
    /// This party's own model as of the last evaluation round of its current run, with the run's feature pipeline, so
    /// <c>causeway predict</c> serves it: with personal layers (FedPer) the global shared layers under this party's own
    /// (what it was evaluated with), otherwise the global model; null before the run's first evaluation.
    /// </summary>
    public (string RunId, TrainedModel Model)? OwnModel()
    {
        lock (_lock)
        {
            if (_current is not { } current || _lastEvaluated is not { } last || last.RunId != current.RunId)
            {
                return null;
            }

            var setup = current.Setup;
            return (current.RunId, new TrainedModel(setup.Model, current.Trainer.PersonalModel(last.Global), setup.SchemaJson, setup.Statistics));
        }
    }

    // Encoding is done once per run: the setup is fixed for the run's life.
    private (PartyTrainer? Trainer, string? Problem) TrainerFor(RoundInfo round, RunSetup? setup)
    {
        if (setup is null)
        {
            return (null, "the task carries no run setup, so this party cannot encode its data for the run");
        }

        lock (_lock)
        {
            if (_current is { } current && current.RunId == round.RunId && current.Setup == setup)
            {
                return (current.Trainer, null);
            }

            if (!RunSetup.SameSchema(setup.SchemaJson, Data.SchemaJson))
            {
                return (null, "the run uses a different data schema than this party's schema file");
            }

            try
            {
                var train = FeatureEncoder.Encode(_train, _schema, setup.Statistics);
                var evaluation = _evaluation is null ? null : FeatureEncoder.Encode(_evaluation, _schema, setup.Statistics);
                var trainer = new PartyTrainer(_party, setup.Model, train, evaluation);
                _current = (round.RunId, setup, trainer);
                return (trainer, null);
            }
            catch (ArgumentException e)
            {
                return (null, $"the run's setup does not fit this party's data: {e.Message}");
            }
        }
    }
}
