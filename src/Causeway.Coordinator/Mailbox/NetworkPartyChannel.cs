using System.Collections.Concurrent;
using Causeway.Coordinator.Parties;
using Causeway.Core.Metrics;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Protection;
using Causeway.Protocol;
using Microsoft.Extensions.Logging;

namespace Causeway.Coordinator.Mailbox;

/// <summary>
/// The round engine's <see cref="IPartyChannel"/> over the network: a call puts a task in the party's
/// mailbox and completes when the party pushes the result.
/// </summary>
/// <remarks>
/// Cancellation (the round deadline) withdraws the task: a pending long poll will not deliver it, and a late
/// result is refused with 409. <see cref="TrainAsync"/> then throws <see cref="OperationCanceledException"/>
/// (the engine records a straggler); <see cref="EvaluateAsync"/> returns null. A party that is not
/// connected or misses its heartbeats yields a <see cref="FailureKind.Dropout"/>; one that re-joins mid-task (a restart)
/// is given the task again in its new session.
/// </remarks>
public sealed class NetworkPartyChannel : IPartyChannel, IStepChannel
{
    /// <summary>How long a report held when its run ended waits for its party: 30 s.</summary>
    private static readonly TimeSpan HeldReportDeadline = TimeSpan.FromSeconds(30);

    private readonly TaskMailbox _mailbox;
    private readonly PartyRegistry _registry;
    private readonly ILogger<NetworkPartyChannel> _logger;
    private readonly ConcurrentDictionary<string, WireSetup> _setups = new(StringComparer.Ordinal);

    internal NetworkPartyChannel(TaskMailbox mailbox, PartyRegistry registry, ILogger<NetworkPartyChannel> logger)
    {
        _mailbox = mailbox;
        _registry = registry;
        _logger = logger;
        registry.SessionEnded += FailOpenTasks;
    }

    public async Task<PartyReply> TrainAsync(PartyId party, TrainTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_registry.IsConnected(party))
        {
            return PartyReply.Failed(new PartyFailure(party, FailureKind.Dropout, "the party is not connected"));
        }

        var work = new TrainWork(task.Global, task.Plan, task.Seed, SetupOf(task.Round), task.Privacy, task.Protection);
        var pending = new PendingTask(_mailbox.NewTaskId(task.Round), party, task.Round, work);
        var result = await RunAsync(pending, cancellationToken).ConfigureAwait(false);

        // A party sends only the shared layers: the engine gets a full delta that leaves the others as they are.
        return result.Update is { } update ? PartyReply.Success(work.Sharing is { } sharing ? update with { Delta = sharing.Expand(update.Delta) } : update)
            : result.Protected is { } protectedUpdate ? PartyReply.Success(protectedUpdate)
            : PartyReply.Failed(result.Failure!);
    }

    /// <summary>Sends a protocol step as a <c>TASK_KIND_PROTOCOL_STEP</c> task; the party's failure report becomes a failed reply.</summary>
    public async Task<ProtocolStepReply> ExchangeAsync(PartyId party, ProtocolStep step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_registry.IsConnected(party))
        {
            return ProtocolStepReply.Lost("the party is not connected");
        }

        var pending = new PendingTask(_mailbox.NewTaskId(step.Round), party, step.Round, new StepWork(step.Request));
        var result = await RunAsync(pending, cancellationToken).ConfigureAwait(false);

        // Without a step reply the party's session ended (or it re-joined) before it answered: the step was lost.
        return result.StepReply ?? ProtocolStepReply.Lost(result.Failure?.Reason ?? "the party answered without a step reply");
    }

    public async Task<Evaluation?> EvaluateAsync(PartyId party, EvaluateTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (cancellationToken.IsCancellationRequested || !_registry.IsConnected(party))
        {
            return null;
        }

        var pending = new PendingTask(_mailbox.NewTaskId(task.Round), party, task.Round, new EvaluateWork(task.Global, SetupOf(task.Round), task.SecureScores));
        try
        {
            var result = await RunAsync(pending, cancellationToken).ConfigureAwait(false);
            return result.Evaluation;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// Holds the report for the party's next task of the run (<c>PartyTask.evaluation_report</c>), so a report costs no
    /// exchange of its own; the report of the run's last round goes at once as a protocol step, and
    /// <see cref="CompleteRun"/> sends any report still held (a run that ended early).
    /// </summary>
    public Task ReportAsync(PartyId party, RoundInfo round, EvaluationReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (round.Round >= round.TotalRounds)
        {
            // An older report still held would otherwise reach the party after this one, when the run completes.
            _mailbox.TakeReport(party, round.RunId);
            return ExchangeAsync(party, new ProtocolStep(round, report), cancellationToken);
        }

        _mailbox.HoldReport(party, round, report);
        return Task.CompletedTask;
    }

    /// <summary>Sends <paramref name="setup"/> with every task of the run from now on.</summary>
    public void BeginRun(string runId, RunSetup setup)
    {
        ArgumentNullException.ThrowIfNull(runId);
        _setups[runId] = WireSetup.Of(setup);
    }

    /// <summary>Sends a recommendation run's <paramref name="setup"/> with every task of the run from now on.</summary>
    public void BeginRun(string runId, Federation.Recommendation.Network.RecommendationSetup setup)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(setup);
        _setups[runId] = WireSetup.Of(setup);
    }

    /// <summary>Sends the reports still held for the run's parties, and forgets the finished tasks and the setup of the run.</summary>
    public void CompleteRun(string runId)
    {
        var held = _mailbox.TakeReports(runId);
        if (held.Count > 0)
        {
            _ = SendHeldReportsAsync(runId, held);
        }

        _mailbox.Forget(runId);
        _setups.TryRemove(runId, out _);
    }

    // Best effort, within the deadline of a report step; then the steps' finished tasks are forgotten too.
    private async Task SendHeldReportsAsync(string runId, List<(PartyId Party, HeldReport Held)> held)
    {
        using var deadline = new CancellationTokenSource(HeldReportDeadline);
        try
        {
            await Task.WhenAll(held.Select(h => ExchangeAsync(h.Party, new ProtocolStep(h.Held.Round, h.Held.Report), deadline.Token))).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            // A party that does not take its last report within the deadline (or is gone) goes without it.
        }
        finally
        {
            _mailbox.Forget(runId);
        }
    }

    private WireSetup? SetupOf(RoundInfo round) => _setups.GetValueOrDefault(round.RunId);

    private async Task<TaskResult> RunAsync(PendingTask pending, CancellationToken cancellationToken)
    {
        // Taken before the task can finish: a finished task lets go of its completion (and result).
        var completion = pending.Completion;
        _mailbox.Enqueue(pending);
        using (cancellationToken.Register(Withdraw, (pending, cancellationToken)))
        {
            return await completion.ConfigureAwait(false);
        }
    }

    private void Withdraw(object? state)
    {
        var (pending, token) = ((PendingTask, CancellationToken))state!;
        if (pending.TryWithdraw(token))
        {
            CoordinatorLog.TaskWithdrawn(_logger, pending.Id, pending.Party.Value, pending.Round.Round);
        }
    }

    private void FailOpenTasks(PartyId party, string reason, bool rejoined)
    {
        foreach (var task in _mailbox.OpenTasks(party).ToList())
        {
            // A party that merely re-joined (a restarted process, a new connection) gets its open tasks in its new session:
            // queued ones stay queued, and one its old session took but never answered goes back to the queue (the old
            // session can no longer push: its calls are refused as replaced). A restarted party thus finishes the round's
            // task instead of failing it.
            if (rejoined)
            {
                _mailbox.Requeue(task);
                continue;
            }

            task.TryComplete(new TaskResult(null, null, new PartyFailure(party, FailureKind.Dropout, reason)), requireDelivered: false);
        }
    }
}
