using System.Collections.Concurrent;
using System.Security.Cryptography;
using Causeway.Coordinator.Mailbox;
using Causeway.Coordinator.Parties;
using Causeway.Core.Models;
using Causeway.Core.Tensors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Causeway.Coordinator.Runs;

/// <summary>Starts runs (one at a time) in the background, records their progress and keeps their latest model.</summary>
public sealed class RunManager : IAsyncDisposable
{
    private readonly IRunRegistry _registry;
    private readonly IRunDriver? _driver;
    private readonly NetworkPartyChannel _channel;
    private readonly PartyRegistry _parties;
    private readonly TimeProvider _time;
    private readonly ILogger<RunManager> _logger;
    private readonly ConcurrentDictionary<string, (ModelSpec Spec, ParameterSet Global)> _models = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _lock = new();
    private (string Id, Task Execution)? _active;

    internal RunManager(
        IRunRegistry registry, IRunDriver? driver, NetworkPartyChannel channel, PartyRegistry parties, TimeProvider time, ILogger<RunManager> logger)
    {
        _registry = registry;
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
            var context = new RunContext(id, _channel, _parties.Connected, this);
            CoordinatorLog.RunStarted(_logger, id, prepared.Description);
            _active = (id, Task.Run(() => ExecuteAsync(prepared, context)));
            return new StartRunResult(id, StatusCodes.Status202Accepted, null);
        }
    }

    /// <summary>The latest global model a run published, if any.</summary>
    public (ModelSpec Spec, ParameterSet Global)? FindModel(string runId) =>
        _models.TryGetValue(runId, out var model) ? model : null;

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

    internal void RecordRound(string runId, RoundRecord round) => _registry.RecordRound(runId, round);

    internal void SetModel(string runId, ModelSpec spec, ParameterSet global) => _models[runId] = (spec, global.Clone());

    private async Task ExecuteAsync(IPreparedRun run, RunContext context)
    {
        var state = RunState.Completed;
        string? error = null;
        try
        {
            await run.ExecuteAsync(context, _shutdown.Token).ConfigureAwait(false);
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
        _channel.CompleteRun(context.RunId);
        CoordinatorLog.RunFinished(_logger, context.RunId, state.ToString());
    }
}
