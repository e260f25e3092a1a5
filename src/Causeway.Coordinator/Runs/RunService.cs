using System.Security.Cryptography;
using Causeway.Coordinator.Dashboard;
using Causeway.Coordinator.Mailbox;
using Causeway.Coordinator.Parties;
using Causeway.Coordinator.Refusals;
using Causeway.Coordinator.Storage;
using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Core.Serialization;
using Causeway.Federation;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Protection;
using Causeway.Federation.Recommendation.Network;
using Microsoft.Extensions.Logging;

namespace Causeway.Coordinator.Runs;

/// <summary>
/// The coordinator's horizontal runs, start to finish, over one <see cref="IRunStore"/>: start a run from its
/// configuration, run its rounds with the <see cref="RoundEngine"/> over the connected parties, resume one after a
/// restart, and answer what every run did. One run at a time.
/// </summary>
/// <remarks>
/// <para>
/// <b>Start</b> checks everything before it answers, so a run that is accepted starts: the configuration is parsed and
/// validated with the CLI's rules (<see cref="RunSite.Network"/>), the connected parties with data must be enough for
/// its sampling and minimum results, and their schemas and statistics must agree (<see cref="RunSetup.Agree"/>). Then
/// the run, its setup and its status are stored, and its rounds go on in the background.
/// </para>
/// <para>
/// <b>Rounds</b>: each closed round is stored with its checkpoint in one transaction before the next starts, so the
/// store holds every metric the API shows and a restarted coordinator resumes after the last closed round
/// (<see cref="ResumeAsync"/>). The parties of each round are the connected ones whose data fit the setup
/// (<see cref="RunRoster"/>): a party joining mid-run is eligible from the next round.
/// </para>
/// <para>
/// <b>Stop</b> (<see cref="StopAsync"/>) withdraws the round in progress and stores the run as stopped; only
/// <see cref="ResumeAsync"/> continues it. A coordinator that shuts down during a run leaves it running in the store,
/// as a crash does, so the next coordinator on the store resumes it (<see cref="ResumeInterruptedAsync"/>). A run fails
/// when it diverges or too many of its rounds fail (<see cref="RunResult.Failure"/>).
/// </para>
/// <para>
/// <b>Status</b> comes from the store, plus the round in progress of the active run, which only this process knows.
/// Refusals are typed (<see cref="InvalidRequestException"/>, <see cref="ConflictException"/>,
/// <see cref="NotFoundException"/>); the endpoints choose their HTTP statuses.
/// </para>
/// </remarks>
public sealed class RunService : IAsyncDisposable
{
    private readonly IRunStore _store;
    private readonly NetworkPartyChannel _channel;
    private readonly PartyRegistry _parties;
    private readonly TimeProvider _time;
    private readonly CoordinatorEvents _events;
    private readonly ILogger<RunService> _logger;
    private readonly CancellationTokenSource _shutdown = new();

    // Start and resume are checked and begun one at a time; the active run is read without waiting.
    private readonly SemaphoreSlim _starting = new(1, 1);
    private volatile ActiveRun? _active;

    internal RunService(IRunStore store, NetworkPartyChannel channel, PartyRegistry parties, TimeProvider time, CoordinatorEvents events, ILogger<RunService> logger)
    {
        _store = store;
        _channel = channel;
        _parties = parties;
        _time = time;
        _events = events;
        _logger = logger;
    }

    /// <summary>The id of the run in progress in this process; null when none is.</summary>
    public string? ActiveRunId => _active is { Execution.IsCompleted: false } active ? active.Id : null;

    /// <summary>Validates a run configuration against the connected parties, stores the run and starts its rounds.</summary>
    /// <param name="configJson">The run configuration (JSON; comments and trailing commas allowed).</param>
    /// <param name="cancellationToken">Cancels the start (not the run).</param>
    /// <returns>The new run's id.</returns>
    /// <exception cref="InvalidRequestException">The configuration is not valid; the message lists every problem.</exception>
    /// <exception cref="ConflictException">A run is in progress, or the connected parties cannot run this one.</exception>
    public async Task<string> StartAsync(string configJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configJson);
        var config = ParseConfig(configJson, "the run configuration");
        await _starting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            RequireNoActiveRun();
            var roster = ConnectedWithData(config);
            RequireRoster(config, roster.Count);
            Setups setup;
            try
            {
                setup = Agree(config, roster);
            }
            catch (InvalidOperationException e)
            {
                throw new ConflictException($"the connected parties cannot run this configuration: {e.Message}", e);
            }

            if (config.Model.Init is not null && setup.Horizontal is { } horizontal)
            {
                try
                {
                    // Only now is the model's shape known (its inputs come from the parties' merged statistics).
                    config.InitialParameters(horizontal.Model);
                }
                catch (ArgumentException e)
                {
                    throw new InvalidRequestException(e.Message);
                }
            }

            var now = _time.GetUtcNow();
            var id = $"run-{now:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
            await _store.CreateRunAsync(id, Describe(config), configJson, now, cancellationToken).ConfigureAwait(false);
            await _store.SaveRunSetupAsync(id, setup.ToJson(), cancellationToken).ConfigureAwait(false);
            await _store.SetRunStatusAsync(id, RunStatus.Running, null, now, cancellationToken).ConfigureAwait(false);
            Launch(id, config, setup, resumeFrom: null);
            return id;
        }
        finally
        {
            _starting.Release();
        }
    }

    /// <summary>
    /// Continues a run from its last stored checkpoint with its stored configuration and setup: after a coordinator
    /// restart (the run is still marked running), or a run that failed or was stopped.
    /// </summary>
    /// <exception cref="NotFoundException">The store holds no such run.</exception>
    /// <exception cref="ConflictException">A run is in progress, the run's status cannot resume, or its stored configuration no longer validates.</exception>
    public async Task<string> ResumeAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return (await ResumeCoreAsync(runId, onlyInterrupted: false, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Resumes a run that a coordinator left running (it crashed or shut down during the run), as a coordinator does at
    /// start-up; returns null, and changes nothing, when the run is no longer marked running (an operator stopped it).
    /// </summary>
    internal Task<string?> ResumeInterruptedAsync(string runId, CancellationToken cancellationToken) =>
        ResumeCoreAsync(runId, onlyInterrupted: true, cancellationToken);

    /// <summary>
    /// Stops a run on an operator's request: the round in progress is withdrawn (its results are refused as late, and it
    /// runs again when the run resumes), and the run is stored as stopped after its last closed round. A stopped run is
    /// never resumed by a coordinator by itself, and no longer blocks new runs; <see cref="ResumeAsync"/> continues it.
    /// A run that a coordinator left running (interrupted) is stopped in the store; stopping a stopped run changes nothing.
    /// </summary>
    /// <returns>The run as it is after the stop (completed, when its last round closed before the stop took effect).</returns>
    /// <exception cref="NotFoundException">The store holds no such run.</exception>
    /// <exception cref="ConflictException">The run completed or failed: there is nothing to stop.</exception>
    public async Task<RunSummary> StopAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await _starting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stored = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new NotFoundException($"no run '{runId}'");
            if (_active is { Execution.IsCompleted: false } active && active.Id == runId)
            {
                // The round loop withdraws the round in progress and stores the run as stopped (ExecuteAsync).
                active.RequestStop();
                await active.Execution.ConfigureAwait(false);
            }
            else if (stored.Status is RunStatus.Running or RunStatus.Pending)
            {
                // Interrupted: no process runs it, and stopped it is not resumed at start-up.
                var closed = (await _store.GetRoundsAsync(runId, cancellationToken).ConfigureAwait(false)).Count;
                await _store.SetRunStatusAsync(runId, RunStatus.Stopped, StoppedByOperator(closed), _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                CoordinatorLog.RunStopped(_logger, runId, closed);
                _events.Publish(ChangeTopic.Runs, runId);
            }
            else if (stored.Status != RunStatus.Stopped)
            {
                throw new ConflictException($"run '{runId}' is {stored.Status.ToString().ToLowerInvariant()}; there is nothing to stop");
            }

            return (await FindAsync(runId, cancellationToken).ConfigureAwait(false))!.Run;
        }
        finally
        {
            _starting.Release();
        }
    }

    private async Task<string?> ResumeCoreAsync(string runId, bool onlyInterrupted, CancellationToken cancellationToken)
    {
        await _starting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stored = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new NotFoundException($"no run '{runId}'");
            if (onlyInterrupted && stored.Status != RunStatus.Running)
            {
                return null;
            }

            RequireNoActiveRun();
            if (!RunStatusTransitions.IsAllowed(stored.Status, RunStatus.Running))
            {
                throw new ConflictException($"run '{runId}' is {stored.Status.ToString().ToLowerInvariant()} and cannot be resumed");
            }

            RunConfig config;
            try
            {
                config = ParseConfig(stored.ConfigJson, $"run '{runId}''s stored configuration");
            }
            catch (InvalidRequestException e)
            {
                throw new ConflictException($"run '{runId}' cannot be resumed: {e.Message}", e);
            }

            // A run that failed before its parties agreed has no setup: agree on one now, as a start would.
            Setups setup;
            if (stored.SetupJson is { } setupJson)
            {
                setup = Setups.Parse(setupJson, $"run '{runId}''s stored setup");
            }
            else
            {
                try
                {
                    setup = Agree(config, ConnectedWithData(config));
                }
                catch (InvalidOperationException e)
                {
                    throw new ConflictException($"run '{runId}' cannot be resumed: {e.Message}", e);
                }

                await _store.SaveRunSetupAsync(runId, setup.ToJson(), cancellationToken).ConfigureAwait(false);
            }

            var rounds = await _store.GetRoundsAsync(runId, cancellationToken).ConfigureAwait(false);
            var checkpoint = (await _store.LoadLatestCheckpointAsync(runId, cancellationToken).ConfigureAwait(false))?.ToRunCheckpoint(rounds);
            await _store.SetRunStatusAsync(runId, RunStatus.Running, null, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            CoordinatorLog.RunResumed(_logger, runId, checkpoint?.LastClosedRound ?? 0);
            Launch(runId, config, setup, checkpoint);
            return runId;
        }
        finally
        {
            _starting.Release();
        }
    }

    /// <summary>A run with its closed rounds, or null when the store holds no such run.</summary>
    public async Task<RunDetails?> FindAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        if (await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) is not { } run)
        {
            return null;
        }

        var rounds = await _store.GetRoundsAsync(runId, cancellationToken).ConfigureAwait(false);
        return new RunDetails(Summarize(run, rounds), [.. rounds.Select(RunView.Round)])
        {
            EpsilonBudget = RunView.EpsilonBudget(run.ConfigJson),
            Reference = RunReference.FromStored(run.ReferenceJson),
        };
    }

    /// <summary>Stores (or replaces) the run's reference figures.</summary>
    /// <exception cref="NotFoundException">No such run.</exception>
    public async Task SetReferenceAsync(string runId, RunReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        try
        {
            await _store.SaveRunReferenceAsync(runId, reference.ToJson(), cancellationToken).ConfigureAwait(false);
        }
        catch (RunNotFoundException e)
        {
            throw new NotFoundException($"no run '{runId}'", e);
        }

        _events.Publish(ChangeTopic.Runs, runId);
    }

    /// <summary>Every run the store holds, newest first.</summary>
    public async Task<IReadOnlyList<RunSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var summaries = new List<RunSummary>();
        foreach (var run in await _store.ListRunsAsync(cancellationToken).ConfigureAwait(false))
        {
            summaries.Add(Summarize(run, await _store.GetRoundsAsync(run.RunId, cancellationToken).ConfigureAwait(false)));
        }

        return [.. summaries.OrderByDescending(r => r.StartedAt)];
    }

    /// <summary>
    /// The run's latest global model (its last closed round's) with the feature pipeline of its setup, ready to save
    /// as a model file; null when the run is unknown or has closed no round yet.
    /// </summary>
    public async Task<TrainedModel?> FindModelAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        if (await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) is not { SetupJson: { } setupJson }
            || RecommendationSetup.IsRecommendation(setupJson)
            || await _store.LoadLatestCheckpointAsync(runId, cancellationToken).ConfigureAwait(false) is not { } checkpoint)
        {
            return null;
        }

        return RunSetup.Parse(setupJson, $"run '{runId}''s stored setup").ToTrainedModel(checkpoint.Global);
    }

    /// <summary>
    /// A recommendation run's latest item model (its last closed round's) with its setup, ready to save as an item model
    /// file; null when the run is unknown, is not a recommendation run, or has closed no round yet.
    /// </summary>
    public async Task<(RecommendationSetup Setup, Core.Tensors.ParameterSet Items)?> FindItemModelAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        if (await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) is not { SetupJson: { } setupJson }
            || !RecommendationSetup.IsRecommendation(setupJson)
            || await _store.LoadLatestCheckpointAsync(runId, cancellationToken).ConfigureAwait(false) is not { } checkpoint)
        {
            return null;
        }

        return (RecommendationSetup.Parse(setupJson, $"run '{runId}''s stored setup"), checkpoint.Global);
    }

    /// <summary>Waits for the active run (if any) to finish; for tests and orderly shutdown.</summary>
    public Task WaitForActiveRunAsync() => _active?.Execution ?? Task.CompletedTask;

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
            _starting.Dispose();
        }
    }

    private void Launch(string runId, RunConfig config, Setups setup, RunCheckpoint? resumeFrom)
    {
        var run = new ActiveRun(runId, config, setup, resumeFrom, _shutdown.Token);
        CoordinatorLog.RunStarted(_logger, runId, Describe(config));
        _active = run;
        run.Execution = Task.Run(() => ExecuteAsync(run));
        _events.Publish(ChangeTopic.Runs, runId);
    }

    // The round loop of one run, from its first (or resumed) round to its final status.
    private async Task ExecuteAsync(ActiveRun run)
    {
        var (status, message) = (RunStatus.Completed, (string?)null);
        var (horizontal, recommendation) = (run.Setup.Horizontal, run.Setup.Recommendation);
        if (recommendation is not null)
        {
            _channel.BeginRun(run.Id, recommendation);
        }
        else
        {
            _channel.BeginRun(run.Id, horizontal!);
        }

        try
        {
            // A recommendation run is a horizontal run of the item model: its own aggregator, initial model and parties.
            var options = run.Config.ToRoundEngineOptions(_time, model: horizontal?.Model) with { RunId = run.Id, PartyCertificates = _parties.CertificateOf };
            options = recommendation is null ? options : options with { Strategy = run.Config.ToRecommendationStrategy() };
            var engine = RunEngine.Create(options);
            var connected = _parties.ActiveSessions().Count;
            if (options.Protection is SecureAggregationProtection secure && connected >= 2
                && secure.OptionsFor(run.Id, connected, 1) is { Parameters: { } chosen })
            {
                // The degree, threshold and failure bounds a round of every connected party would run with.
                CoordinatorLog.SecureAggregationParameters(_logger, run.Id, connected, chosen.Describe());
            }

            var roster = new RunRoster(
                _parties, run.Id, recommendation is null ? horizontal!.DescribeMisfit : data => recommendation.DescribeMisfit(data?.Ratings), _logger);
            // A binary run under secure aggregation sums its evaluation histograms under it too: the coordinator learns the
            // federation's histogram, never one party's (each party's own metrics, its AUC among them, still come in clear).
            var evaluator = new FederatedEvaluator(_channel, roster, options.Deadline, _time)
            {
                SecureScores = run.Config.Protection is { Kind: ProtectionKind.SecAgg } && horizontal?.Model.Task == LearningTask.BinaryClassification,
                ScoreProtection = options.Protection as SecureAggregationProtection,
                PartyCertificates = _parties.CertificateOf,
                SecureScoresFailed = (round, reason) => CoordinatorLog.SecureScoresFailed(_logger, round.RunId, round.Round, reason),
            };
            var initial = recommendation?.Spec.Initialize(run.Config.Seed) ?? run.Config.InitialParameters(horizontal!.Model);
            var result = await engine.RunAsync(initial, roster, ChannelFor(recommendation), evaluator, new RoundRecorder(this, run), run.ResumeFrom, run.Stopping)
                .ConfigureAwait(false);

            // A run ended early by its privacy budget completes, with the reason as its status message; a diverged one,
            // or one with too many failed rounds, fails with the round and the value.
            message = result.StoppedEarly;
            if (result.Failure is { } failure)
            {
                (status, message) = (RunStatus.Failed, failure);
                CoordinatorLog.RunFailedWith(_logger, run.Id, failure);
            }
        }
        catch (OperationCanceledException) when (run.StopRequested)
        {
            (status, message) = (RunStatus.Stopped, StoppedByOperator(run.LastClosedRound));
            CoordinatorLog.RunStopped(_logger, run.Id, run.LastClosedRound);
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            // Still running as far as the store knows, as after a crash: the next coordinator on the store resumes it.
            (status, message) = (RunStatus.Running, $"the coordinator stopped after round {run.LastClosedRound}; the run resumes from it when a coordinator starts on this store");
        }
        catch (Exception e)
        {
            (status, message) = (RunStatus.Failed, e.Message);
            CoordinatorLog.RunFailed(_logger, e, run.Id);
        }

        try
        {
            await _store.SetRunStatusAsync(run.Id, status, message, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or RunNotFoundException or System.Data.Common.DbException)
        {
            // The store refused the final status (it is unreachable, or already final); the run's own outcome is logged.
            CoordinatorLog.RunFailed(_logger, e, run.Id);
        }

        _events.Publish(ChangeTopic.Runs, run.Id);
        _channel.CompleteRun(run.Id);
        run.Dispose();
        CoordinatorLog.RunFinished(_logger, run.Id, status.ToString());
    }

    // A plain sparse matrix factorisation run sends each party only the item rows it trains on once it has answered once
    // (ItemSliceChannel); every other run sends the whole model with every task.
    private IPartyChannel ChannelFor(RecommendationSetup? recommendation) =>
        recommendation is { Spec.Kind: Federation.Recommendation.RecommenderKind.MatrixFactorization, Spec.Genres: null, Plan.Form: Federation.Recommendation.ItemUpdateForm.Sparse }
            ? new ItemSliceChannel(_channel)
            : _channel;

    private static string StoppedByOperator(int lastClosedRound) =>
        $"stopped by an operator after round {lastClosedRound}; `causeway run resume` continues it from there";

    private RunSummary Summarize(RunRecord run, IReadOnlyList<Storage.RoundRecord> rounds) =>
        _active is { Execution.IsCompleted: false } active && active.Id == run.RunId
            ? RunView.Summary(run, rounds) with { State = RunState.Running, CurrentRound = Math.Max(active.CurrentRound, rounds.Count == 0 ? 0 : rounds[^1].Round), Error = null }
            : RunView.Summary(run, rounds);

    private void RequireNoActiveRun()
    {
        if (_active is { Execution.IsCompleted: false } running)
        {
            throw new ConflictException($"run '{running.Id}' is still in progress");
        }
    }

    // A horizontal run's parties hold tables; a recommendation run's serve ratings.
    private List<PartySession> ConnectedWithData(RunConfig config) => config.Recommendation is null
        ? [.. _parties.ActiveSessions().Where(s => s.Data is { Ratings: null })]
        : [.. _parties.ActiveSessions().Where(s => s.Data?.Ratings is not null)];

    private static Setups Agree(RunConfig config, List<PartySession> roster)
    {
        if (config.Recommendation is { } recommendation)
        {
            return new Setups(null, RecommendationSetup.Agree(
                [.. roster.Select(s => (s.Party, s.Data?.Ratings))], recommendation.ToSpec(), config.ToRecommendationPlan(), config.Seed));
        }

        return new Setups(RunSetup.Agree([.. roster.Select(s => (s.Party, s.Data))], schema => ModelFor(config, schema)), null);
    }

    private static void RequireRoster(RunConfig config, int parties)
    {
        if (parties == 0)
        {
            throw new ConflictException(config.Recommendation is null
                ? "no party with training data is connected; start the parties (causeway party --data ... --schema ...) first"
                : "no party with ratings is connected; start the parties (causeway party --ratings FILE) first");
        }

        if (config.ValidateRoster(parties) is { Count: > 0 } problems)
        {
            throw new ConflictException($"the {parties} connected parties cannot run this configuration: {string.Join("; ", problems)}");
        }
    }

    private static RunConfig ParseConfig(string json, string source)
    {
        RunConfig config;
        try
        {
            config = RunConfig.Parse(json, source);
        }
        catch (RunConfigException e)
        {
            throw new InvalidRequestException($"invalid run configuration: {e.Message}", e);
        }

        return config.Validate(RunSite.Network) is { Count: > 0 } errors
            ? throw new InvalidRequestException($"invalid run configuration: {string.Join("; ", errors)}")
            : config;
    }

    private static ModelSpec ModelFor(RunConfig config, DataSchema schema)
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

    private static string Describe(RunConfig config) => config.Recommendation is { } recommendation
        ? $"{config.Name}: {config.Strategy.Name} {recommendation.Model} k={recommendation.Factors} {recommendation.Aggregation}, {config.Rounds} rounds"
        : $"{config.Name}: {config.Strategy.Name} {config.Model.Type}, {config.Rounds} rounds";

    /// <summary>A run's setup: a horizontal run's, or a recommendation run's (exactly one is set).</summary>
    private sealed record Setups(RunSetup? Horizontal, RecommendationSetup? Recommendation)
    {
        public string ToJson() => Recommendation?.ToJson() ?? Horizontal!.ToJson();

        public static Setups Parse(string json, string sourceName) => RecommendationSetup.IsRecommendation(json)
            ? new Setups(null, RecommendationSetup.Parse(json, sourceName))
            : new Setups(RunSetup.Parse(json, sourceName), null);
    }

    /// <summary>The run this process is executing: what it runs with, where its rounds are, and how it is stopped.</summary>
    private sealed class ActiveRun(string id, RunConfig config, Setups setup, RunCheckpoint? resumeFrom, CancellationToken shutdown) : IDisposable
    {
        // Cancelled by an operator's stop or by the coordinator's shutdown; StopRequested tells which.
        private readonly CancellationTokenSource _stopping = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        private readonly Lock _gate = new();
        private bool _disposed;
        private volatile bool _stopRequested;
        private int _currentRound = resumeFrom?.LastClosedRound ?? 0;
        private int _lastClosedRound = resumeFrom?.LastClosedRound ?? 0;

        public string Id { get; } = id;

        public RunConfig Config { get; } = config;

        public Setups Setup { get; } = setup;

        public RunCheckpoint? ResumeFrom { get; } = resumeFrom;

        public Task Execution { get; set; } = Task.CompletedTask;

        public int CurrentRound
        {
            get => Volatile.Read(ref _currentRound);
            set => Volatile.Write(ref _currentRound, value);
        }

        public int LastClosedRound
        {
            get => Volatile.Read(ref _lastClosedRound);
            set => Volatile.Write(ref _lastClosedRound, value);
        }

        public CancellationToken Stopping => _stopping.Token;

        public bool StopRequested => _stopRequested;

        public void RequestStop()
        {
            lock (_gate)
            {
                if (!_disposed)
                {
                    _stopRequested = true;
                    _stopping.Cancel();
                }
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
                _stopping.Dispose();
            }
        }
    }

    /// <summary>Stores each closed round with its checkpoint before the engine starts the next.</summary>
    private sealed class RoundRecorder(RunService service, ActiveRun run) : IRunObserver
    {
        public ValueTask OnRoundStartedAsync(RoundInfo round, IReadOnlyList<PartyId> selected, CancellationToken cancellationToken)
        {
            run.CurrentRound = round.Round;
            return ValueTask.CompletedTask;
        }

        public async ValueTask OnRoundCompletedAsync(RoundSummary summary, RunCheckpoint checkpoint, CancellationToken cancellationToken)
        {
            // The durable close comes first: once it commits, a restarted coordinator resumes after this round.
            var record = summary.ToRoundRecord(run.Id, service._time.GetUtcNow());
            await service._store.CloseRoundAsync(record, checkpoint.ToCheckpoint(), cancellationToken).ConfigureAwait(false);
            run.LastClosedRound = summary.Round;
            CoordinatorLog.RoundClosed(service._logger, summary.Round, run.Config.Rounds, run.Id, summary.Participants, summary.Seconds);
            service._events.Publish(ChangeTopic.Runs, run.Id);
        }
    }
}
