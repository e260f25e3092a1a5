using System.Collections.Concurrent;
using System.Security.Cryptography;
using Causeway.Coordinator.Mailbox;
using Causeway.Coordinator.Parties;
using Causeway.Coordinator.Storage;
using Causeway.Core.Serialization;
using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RoundRecord = Causeway.Coordinator.Runs.RoundRecord;

namespace Causeway.Coordinator.Runs;

/// <summary>Starts runs (one at a time) in the background, records their progress and keeps their latest model.</summary>
public sealed class RunManager : IAsyncDisposable
{
    private readonly IRunRegistry _registry;
    private readonly IRunStore? _store;
    private readonly IRunDriver? _driver;
    private readonly NetworkPartyChannel _channel;
    private readonly PartyRegistry _parties;
    private readonly TimeProvider _time;
    private readonly ILogger<RunManager> _logger;
    private readonly ConcurrentDictionary<string, (RunSetup Setup, ParameterSet Global)> _models = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _lock = new();
    private (string Id, Task Execution)? _active;

    internal RunManager(
        IRunRegistry registry, IRunStore? store, IRunDriver? driver, NetworkPartyChannel channel, PartyRegistry parties, TimeProvider time, ILogger<RunManager> logger)
    {
        _registry = registry;
        _store = store;
        _driver = driver;
        _channel = channel;
        _parties = parties;
        _time = time;
        _logger = logger;
    }

    /// <summary>The id of the run in progress, if any.</summary>
    public string? ActiveRunId
    {
        get
        {
            lock (_lock)
            {
                return _active is { } a && !a.Execution.IsCompleted ? a.Id : null;
            }
        }
    }

    /// <summary>Validates <paramref name="configJson"/> and starts the run in the background.</summary>
    public StartRunResult Start(string configJson)
    {
        ArgumentNullException.ThrowIfNull(configJson);
        if (_driver is null)
        {
            return new StartRunResult(null, StatusCodes.Status501NotImplemented, "this coordinator has no run driver configured");
        }

        IPreparedRun prepared;
        try
        {
            prepared = _driver.Prepare(configJson);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new StartRunResult(null, StatusCodes.Status400BadRequest, $"invalid run configuration: {e.Message}");
        }

        lock (_lock)
        {
            if (_active is { } running && !running.Execution.IsCompleted)
            {
                return new StartRunResult(null, StatusCodes.Status409Conflict, $"run '{running.Id}' is still in progress");
            }

            var now = _time.GetUtcNow();
            var id = $"run-{now:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
            _registry.Create(id, prepared.Description, prepared.TotalRounds, configJson, now);
            var context = new RunContext(id, _channel, _parties.Connected, _parties.Describe, this);
            CoordinatorLog.RunStarted(_logger, id, prepared.Description);
            _active = (id, Task.Run(() => ExecuteAsync(prepared, context, configJson)));
            return new StartRunResult(id, StatusCodes.Status202Accepted, null);
        }
    }

    /// <summary>
    /// Continues a stopped or failed run from its latest stored checkpoint (after a coordinator restart, say):
    /// the configuration is read back from the <see cref="IRunStore"/> and the rounds after the checkpoint are run.
    /// </summary>
    public async Task<StartRunResult> ResumeAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        if (_store is null || _driver is null)
        {
            return new StartRunResult(null, StatusCodes.Status501NotImplemented, "resuming needs a run store and a run driver");
        }

        var stored = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return new StartRunResult(null, StatusCodes.Status404NotFound, $"no run '{runId}'");
        }

        if (!RunStatusTransitions.IsAllowed(stored.Status, RunStatus.Running) || stored.Status == RunStatus.Running && ActiveRunId == runId)
        {
            return new StartRunResult(null, StatusCodes.Status409Conflict, $"run '{runId}' is {stored.Status.ToString().ToLowerInvariant()} and cannot be resumed");
        }

        IPreparedRun prepared;
        try
        {
            prepared = _driver.Prepare(stored.ConfigJson);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new StartRunResult(null, StatusCodes.Status400BadRequest, $"the stored configuration is no longer valid: {e.Message}");
        }

        RunSetup? setup;
        try
        {
            setup = stored.SetupJson is { } json ? RunSetup.Parse(json, $"run '{runId}''s stored setup") : null;
        }
        catch (InvalidDataException e)
        {
            return new StartRunResult(null, StatusCodes.Status500InternalServerError, e.Message);
        }

        var checkpoint = (await _store.LoadLatestCheckpointAsync(runId, cancellationToken).ConfigureAwait(false))?.ToRunCheckpoint();
        var history = await _store.GetRoundsAsync(runId, cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            if (_active is { } running && !running.Execution.IsCompleted)
            {
                return new StartRunResult(null, StatusCodes.Status409Conflict, $"run '{running.Id}' is still in progress");
            }

            var now = _time.GetUtcNow();
            if (_registry.Find(runId) is null)
            {
                // The control API shows the whole run, including the rounds closed before the restart.
                _registry.Create(runId, prepared.Description, prepared.TotalRounds, stored.ConfigJson, now);
                foreach (var round in history.Where(r => checkpoint is null || r.Round <= checkpoint.LastClosedRound))
                {
                    _registry.RecordRound(runId, RunView.Round(round));
                }
            }

            var context = new RunContext(runId, _channel, _parties.Connected, _parties.Describe, this, checkpoint, setup);
            CoordinatorLog.RunStarted(_logger, runId, $"{prepared.Description} (resumed after round {checkpoint?.LastClosedRound ?? 0})");
            _active = (runId, Task.Run(() => ExecuteAsync(prepared, context, stored.ConfigJson, resumed: true)));
            return new StartRunResult(runId, StatusCodes.Status202Accepted, null);
        }
    }

    /// <summary>A run with its rounds: live from this process, else from the store (a run of an earlier coordinator process).</summary>
    public async Task<RunDetails?> FindRunAsync(string runId, CancellationToken cancellationToken)
    {
        if (_registry.Find(runId) is { } live)
        {
            return live;
        }

        if (_store is null || await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return null;
        }

        var rounds = await _store.GetRoundsAsync(runId, cancellationToken).ConfigureAwait(false);
        return new RunDetails(RunView.Summary(stored, rounds), [.. rounds.Select(r => RunView.Round(r))]);
    }

    /// <summary>Every run, newest first: the ones this process ran and, with a store, the earlier ones too.</summary>
    public async Task<IReadOnlyList<RunSummary>> ListRunsAsync(CancellationToken cancellationToken)
    {
        var live = _registry.List();
        if (_store is null)
        {
            return live;
        }

        var known = live.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var all = new List<RunSummary>(live);
        foreach (var run in await _store.ListRunsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!known.Contains(run.RunId))
            {
                all.Add(RunView.Summary(run, await _store.GetRoundsAsync(run.RunId, cancellationToken).ConfigureAwait(false)));
            }
        }

        return [.. all.OrderByDescending(r => r.StartedAt)];
    }

    /// <summary>
    /// The latest global model of a run with its feature pipeline: the one in memory while this process runs it,
    /// else the latest stored checkpoint. Null when the run has no model yet.
    /// </summary>
    public async Task<TrainedModel?> FindModelAsync(string runId, CancellationToken cancellationToken)
    {
        if (_models.TryGetValue(runId, out var model))
        {
            return model.Setup.ToTrainedModel(model.Global);
        }

        if (_store is null || await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) is not { SetupJson: { } setupJson })
        {
            return null;
        }

        var checkpoint = await _store.LoadLatestCheckpointAsync(runId, cancellationToken).ConfigureAwait(false);
        return checkpoint is null ? null : RunSetup.Parse(setupJson, $"run '{runId}''s stored setup").ToTrainedModel(checkpoint.Global);
    }

    /// <summary>Waits for the active run (if any) to finish; for tests and orderly shutdown.</summary>
    public Task WaitForActiveRunAsync()
    {
        lock (_lock)
        {
            return _active?.Execution ?? Task.CompletedTask;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync().ConfigureAwait(false);
        try
        {
            await WaitForActiveRunAsync().ConfigureAwait(false);
        }
        finally
        {
            _shutdown.Dispose();
        }
    }

    internal void SetCurrentRound(string runId, int round) => _registry.SetCurrentRound(runId, round);

    internal void SetModel(string runId, RunSetup setup, ParameterSet global) => _models[runId] = (setup, global.Clone());

    internal async Task BeginRunAsync(string runId, RunSetup setup, bool isStored, CancellationToken cancellationToken)
    {
        if (_store is not null && !isStored)
        {
            await _store.SaveRunSetupAsync(runId, setup.ToJson(), cancellationToken).ConfigureAwait(false);
        }

        _channel.BeginRun(runId, setup);
    }

    internal async Task CloseRoundAsync(string runId, RunSetup setup, RoundSummary summary, RunCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var record = summary.ToRoundRecord(runId, now);
        if (_store is not null)
        {
            // The durable close comes first: once it commits, a restarted coordinator resumes after this round.
            await _store.CloseRoundAsync(record, checkpoint.ToCheckpoint(), cancellationToken).ConfigureAwait(false);
        }

        _registry.RecordRound(runId, RunView.Round(record));
        SetModel(runId, setup, checkpoint.Global);
        CoordinatorLog.RoundClosed(_logger, summary.Round, _registry.Find(runId)?.Run.TotalRounds ?? 0, runId, summary.Participants, summary.Seconds);
    }

    private async Task ExecuteAsync(IPreparedRun run, RunContext context, string configJson, bool resumed = false)
    {
        var state = RunState.Completed;
        string? error = null;
        try
        {
            if (_store is not null)
            {
                var now = _time.GetUtcNow();
                if (!resumed)
                {
                    await _store.CreateRunAsync(context.RunId, run.Description, configJson, now, _shutdown.Token).ConfigureAwait(false);
                }

                await _store.SetRunStatusAsync(context.RunId, RunStatus.Running, null, now, _shutdown.Token).ConfigureAwait(false);
            }

            // A run that ends early on its privacy budget completes, with the reason as its status message.
            error = await run.ExecuteAsync(context, _shutdown.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            state = RunState.Cancelled;
        }
        catch (Exception e)
        {
            state = RunState.Failed;
            error = e.Message;
            CoordinatorLog.RunFailed(_logger, e, context.RunId);
        }

        _registry.Finish(context.RunId, state, error, _time.GetUtcNow());
        if (_store is not null)
        {
            try
            {
                var status = state switch
                {
                    RunState.Completed => RunStatus.Completed,
                    RunState.Cancelled => RunStatus.Stopped,
                    _ => RunStatus.Failed,
                };
                await _store.SetRunStatusAsync(context.RunId, status, error, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or RunNotFoundException or System.Data.Common.DbException)
            {
                // The run never reached the store (its creation failed) or is already final; the run's own error is logged.
                CoordinatorLog.RunFailed(_logger, e, context.RunId);
            }
        }

        _channel.CompleteRun(context.RunId);
        CoordinatorLog.RunFinished(_logger, context.RunId, state.ToString());
    }
}
