using System.Diagnostics;
using Causeway.Core.Metrics;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Protection;
using Causeway.Federation.Vertical.Network;
using Causeway.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Causeway.Party;

/// <summary>
/// A party's main loop: join, heartbeat in the background, long-poll for tasks, run them through the
/// <see cref="ITaskHandler"/>, push each result together with the long poll for the next task; reconnect with
/// exponential backoff and jitter after transient failures only.
/// </summary>
/// <remarks>
/// <see cref="RunAsync"/> returns when its token is cancelled (graceful shutdown: the task in progress is
/// cancelled and nothing more is pulled). A refused join (wrong or expired token, not a member, wrong certificate) is
/// permanent and throws <see cref="CoordinatorException"/>; an untrusted coordinator certificate throws
/// <see cref="System.Security.Authentication.AuthenticationException"/>. Results the coordinator refuses (late, rejected)
/// are logged; the loop goes on.
/// When another process joins with the same party id, its session replaces this one's (a restarted party is back at
/// once): this host then logs a warning and stands by, asking every <see cref="PartyClientOptions.StandbyInterval"/>
/// whether the id is free, and takes it back only when the other's session has ended; it neither fails nor takes turns
/// replacing the other.
/// Protected rounds: protocol steps are answered by the host's <see cref="PartyProtection"/>, which also masks or
/// encrypts the handler's delta when a train task asks for it; the handler never sees the protocol.
/// </remarks>
public sealed class PartyHost : IDisposable
{
    private readonly PartyClient _client;
    private readonly ITaskHandler _handler;
    private readonly PartyClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PartyProtection _protection;
    private readonly VerticalParty? _vertical;
    private readonly VectorParty? _vectors;
    private volatile string? _currentTaskId;

    // Whether the current session got an answer to a pull: only such a session, once expired, is joined again at once.
    private bool _answered;

    /// <param name="client">The connection to the coordinator.</param>
    /// <param name="handler">Trains and evaluates on the party's data (horizontal runs).</param>
    /// <param name="options">Back-off settings.</param>
    /// <param name="logger">Logs joins, tasks and problems (never values).</param>
    /// <param name="time">The clock; the system's when null.</param>
    /// <param name="vertical">Takes the steps of vertical jobs (PSI, vertical training); null when the party takes none.</param>
    /// <param name="vectors">Answers federated vector queries from the party's store; null when it holds none.</param>
    public PartyHost(
        PartyClient client, ITaskHandler handler, PartyClientOptions options, ILogger<PartyHost>? logger = null, TimeProvider? time = null, VerticalParty? vertical = null,
        VectorParty? vectors = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _handler = handler;
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _protection = new PartyProtection(client.Party, _time, client.Credentials) { RequireAuthenticated = options.RequireAuthenticatedSecureAggregation };
        _vertical = vertical;
        _vectors = vectors;
    }

    /// <summary>The number of tasks handled and pushed so far.</summary>
    public int CompletedTasks { get; private set; }

    /// <summary>Joins, works until the session ends, and joins again, until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <remarks>
    /// Transient failures (connection refused or reset, timeouts, 5xx, 408, 429) are retried with exponential backoff and
    /// full jitter (<see cref="Backoff"/>). A session the coordinator ends (401 on a later call: it restarted, or timed the
    /// party out) is joined again at once, but only after a session that got answers: a session refused before its first
    /// answer backs off like a failure, so no coordinator is ever asked in a tight loop.
    /// </remarks>
    /// <exception cref="CoordinatorException">The coordinator refused the join (401 wrong or expired join token, 403 not a
    /// member or another party's certificate, 400 invalid party id, or any other status that is not transient): it is
    /// permanent, retrying cannot help.</exception>
    /// <exception cref="System.Security.Authentication.AuthenticationException">The coordinator's TLS certificate is not trusted.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        var standby = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            // 1. Join. A refusal is not transient and leaves the loop: the token, the id or the certificate is wrong.
            //    A process another one replaced joins on standby: only once the id is free again.
            JoinInfo info;
            try
            {
                info = await _client.JoinAsync(_handler.Data, standby, cancellationToken).ConfigureAwait(false);
            }
            catch (CoordinatorException e) when (e.PartyIdInUse && !cancellationToken.IsCancellationRequested)
            {
                // The process that replaced this one is still live.
                PartyLog.StillInUse(_logger, _client.Party.Value);
                await WaitAsync(_options.StandbyInterval, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (Exception e) when (IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                failures++;
                await BackOffAsync(failures, e, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (standby)
            {
                PartyLog.TookIdBack(_logger, _client.Party.Value);
                standby = false;
            }

            PartyLog.Joined(_logger, info.FederationId, _client.Party.Value, _client.Coordinator);

            // 2. Work until the session ends: cancelled, expired (join again), or the coordinator became unreachable.
            _answered = false;
            try
            {
                await RunSessionAsync(info, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (CoordinatorException e) when (e.SessionReplaced)
            {
                PartyLog.SessionReplaced(_logger, _client.Party.Value, _options.StandbyInterval.TotalSeconds);
                standby = true;
                failures = 0;
            }
            catch (CoordinatorException e) when (e.SessionExpired && _answered)
            {
                PartyLog.SessionExpired(_logger);
                failures = 0;
            }
            catch (Exception e) when (IsTransient(e) || e is CoordinatorException { SessionExpired: true })
            {
                failures = _answered ? 1 : failures + 1;
                await BackOffAsync(failures, e, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Heartbeats beside the pull loop for as long as the session lasts.
    private async Task RunSessionAsync(JoinInfo info, CancellationToken cancellationToken)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeats = HeartbeatLoopAsync(info.HeartbeatInterval, session.Token);
        try
        {
            await PullLoopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
            await heartbeats.ConfigureAwait(false);
        }
    }

    // Waits before the next attempt; returns early (without throwing) when the party is stopped.
    private async Task BackOffAsync(int failures, Exception cause, CancellationToken cancellationToken)
    {
        var delay = Backoff.Delay(failures, _options.MinBackoff, _options.MaxBackoff, Random.Shared.NextDouble());
        if (cause is CoordinatorException { SessionExpired: true })
        {
            PartyLog.SessionRefused(_logger, cause.Message, (long)delay.TotalMilliseconds);
        }
        else
        {
            PartyLog.Unreachable(_logger, cause.Message, (long)delay.TotalMilliseconds);
        }

        await WaitAsync(delay, cancellationToken).ConfigureAwait(false);
    }

    // Waits; returns early (without throwing) when the party is stopped.
    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    // Handles tasks until the session ends (CoordinatorException 401) or a network error occurs. Each result is pushed
    // with a request for the next task (then_pull), so a task costs one call; a plain pull starts the loop and follows
    // a result the coordinator refused.
    private async Task PullLoopAsync(CancellationToken cancellationToken)
    {
        ReceivedTask? next = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            ReceivedTask? task;
            try
            {
                task = next ?? await _client.PullTaskAsync(cancellationToken).ConfigureAwait(false);
                _answered = true;
            }
            catch (MalformedMessageException e)
            {
                PartyLog.InvalidTask(_logger, e.Message);
                continue;
            }
            finally
            {
                next = null;
            }

            if (task is null)
            {
                continue;
            }

            var kind = task.Step is { } s ? s.Request.Name : task.Train is null ? "evaluate" : "train";
            PartyLog.TaskReceived(_logger, task.TaskId, kind, task.Round.RunId, task.Round.Round);
            _currentTaskId = task.TaskId;
            var started = Stopwatch.GetTimestamp();
            try
            {
                next = await HandleAsync(task, cancellationToken).ConfigureAwait(false);
                CompletedTasks++;
                TaskFinished?.Invoke(new FinishedTask(task.Round.RunId, task.Round.Round, kind, Stopwatch.GetElapsedTime(started).TotalSeconds));
            }
            catch (CoordinatorException e) when (!e.SessionExpired && !e.SessionReplaced && !e.IsTransient)
            {
                // Late (409), rejected (400) or unknown (404): the round goes on without this result.
                PartyLog.ResultRefused(_logger, task.TaskId, e.Reason);
            }
            catch (MalformedMessageException e)
            {
                // The result was taken; the next task that came with the answer was not valid.
                CompletedTasks++;
                PartyLog.InvalidTask(_logger, e.Message);
            }
            finally
            {
                _currentTaskId = null;
            }
        }
    }

    /// <summary>
    /// Raised after each task whose result the coordinator took, on the pull loop (a handler must be quick: the next task
    /// waits for it). An event rather than a log line, so the CLI prints it as cheaply as a plain write.
    /// </summary>
    public event Action<FinishedTask>? TaskFinished;

    /// <summary>Raised after each evaluation round with the federation's metrics and this party's own.</summary>
    public event Action<EvaluationReport>? EvaluationReported;

    /// <summary>The last evaluation report received, or null.</summary>
    public EvaluationReport? LastEvaluation { get; private set; }

    /// <summary>Forgets the secure-aggregation sessions and Paillier keys of protected rounds (the vertical party is the caller's).</summary>
    public void Dispose() => _protection.Dispose();

    // Does the task, pushes its result and returns the next task that came with the answer (or null).
    private async Task<ReceivedTask?> HandleAsync(ReceivedTask task, CancellationToken cancellationToken)
    {
        if (task.Report is { } report)
        {
            Note(report);
        }

        if (task.Step is { } step)
        {
            // Off the pull loop's thread: Paillier key generation and decryption, and PSI batches, take a while.
            var answer = await Task.Run(() => TakeStep(step), cancellationToken).ConfigureAwait(false);
            return await PushWithRetryAsync(ct => _client.PushStepReplyAsync(task, answer, thenPull: true, ct), cancellationToken).ConfigureAwait(false);
        }

        if (task.Train is { } train)
        {
            PartyReply reply;
            try
            {
                reply = task.Recommendation is { } recommendation
                    ? await _handler.TrainRecommenderAsync(train, recommendation, cancellationToken).ConfigureAwait(false)
                    : await _handler.TrainAsync(train, task.Setup, cancellationToken).ConfigureAwait(false);
                if (train.Protection is not null)
                {
                    reply = await Task.Run(() => _protection.Protect(train, reply), cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                PartyLog.TaskFailed(_logger, e, task.TaskId);
                reply = PartyReply.Failed(new PartyFailure(_client.Party, FailureKind.Dropout, $"local training failed: {e.GetType().Name}: {e.Message}"));
            }

            return await PushWithRetryAsync(ct => _client.PushTrainResultAsync(task, reply, thenPull: true, ct), cancellationToken).ConfigureAwait(false);
        }

        Evaluation? evaluation;
        try
        {
            evaluation = task.Recommendation is { } recommendation
                ? await _handler.EvaluateRecommenderAsync(task.Evaluate!, recommendation, cancellationToken).ConfigureAwait(false)
                : await _handler.EvaluateAsync(task.Evaluate!, task.Setup, cancellationToken).ConfigureAwait(false);

            // Under secure aggregation the score histogram stays here until the round's masked sum asks for it.
            evaluation = task.Evaluate!.SecureScores ? _protection.HoldScores(task.Evaluate.Round, evaluation) : evaluation;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            PartyLog.TaskFailed(_logger, e, task.TaskId);
            var reason = $"local evaluation failed: {e.GetType().Name}: {e.Message}";
            return await PushWithRetryAsync(ct => _client.PushFailureAsync(task, reason, thenPull: true, ct), cancellationToken).ConfigureAwait(false);
        }

        return await PushWithRetryAsync(ct => _client.PushEvaluationAsync(task, evaluation, thenPull: true, ct), cancellationToken).ConfigureAwait(false);
    }

    private ProtocolStepReply TakeStep(ProtocolStep step) => step.Request switch
    {
        _ when VerticalParty.Handles(step.Request) => _vertical?.Handle(step)
            ?? ProtocolStepReply.Failed("this party takes no vertical jobs (start it with `causeway party --vertical-data FILE --vertical-schema FILE`, or `--arbiter`)"),
        Federation.Recommendation.Popularity.PopularItemsRequest request => _handler.AnswerPopularItems(request),
        _ when VectorParty.Handles(step.Request) => _vectors?.Handle(step) ?? NoVectorStore(step.Request),
        Federation.Vectors.MaskedStatisticsRequest request => MaskStatistics(step.Round, request),
        EvaluationReport report => Acknowledge(report),
        _ => _protection.Handle(step),
    };

    // The federation's metrics after an evaluation round, beside this party's own: on a task, or (a run's last) as a step.
    private void Note(EvaluationReport report)
    {
        LastEvaluation = report;
        EvaluationReported?.Invoke(report);
    }

    private ProtocolStepReply Acknowledge(EvaluationReport report)
    {
        Note(report);
        return ProtocolStepReply.Success(new EvaluationReportReceived());
    }

    // A secure k-means step: the store's statistics, encoded, masked with this round's secure-aggregation session.
    private ProtocolStepReply MaskStatistics(RoundInfo round, Federation.Vectors.MaskedStatisticsRequest request)
    {
        if (_vectors is null)
        {
            return NoVectorStore(request);
        }

        var (encoded, problem) = _vectors.EncodeStatistics(round, request);
        if (encoded is null)
        {
            return ProtocolStepReply.Failed(problem!);
        }

        try
        {
            return ProtocolStepReply.Success(new Federation.Horizontal.Protection.SecureAggregationMasked(_protection.Mask(round, request.Mask.Delivery, encoded)));
        }
        catch (Exception e) when (e is Privacy.SecureAggregation.SecureAggregationException or KeyNotFoundException or ArgumentException)
        {
            return ProtocolStepReply.Failed($"the party could not mask its statistics: {e.Message}");
        }
    }

    // A query is answered with a refusal the querier sees; the k-means steps of a codebook training fail.
    private static ProtocolStepReply NoVectorStore(ProtocolMessage request)
    {
        const string Reason = "this party holds no vector store (start it with `causeway party --vectors DIR`)";
        return request is Federation.Vectors.VectorQuery
            ? ProtocolStepReply.Success(new Federation.Vectors.VectorAnswer([], Reason))
            : ProtocolStepReply.Failed(Reason);
    }

    // A result is worth a few retries on the same session: re-joining first would turn the task into a dropout.
    // A retry after a push that did arrive is answered 409 (duplicate) and logged, never applied twice.
    private async Task<ReceivedTask?> PushWithRetryAsync(Func<CancellationToken, Task<ReceivedTask?>> push, CancellationToken cancellationToken)
    {
        const int Attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await push(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < Attempts && IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                var delay = Backoff.Delay(attempt, _options.MinBackoff, _options.MaxBackoff, Random.Shared.NextDouble());
                PartyLog.Unreachable(_logger, e.Message, (long)delay.TotalMilliseconds);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task HeartbeatLoopAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await _client.HeartbeatAsync(_currentTaskId, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The pull loop notices a dead session or connection and reconnects; heartbeats just keep trying.
                    PartyLog.HeartbeatFailed(_logger, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static bool IsTransient(Exception e) => e switch
    {
        HttpRequestException or IOException or TimeoutException => true,
        CoordinatorException c => c.IsTransient,
        _ => false,
    };
}
