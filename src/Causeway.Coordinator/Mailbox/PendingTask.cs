using Causeway.Core.Metrics;
using Causeway.Core.Tensors;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Protection;

namespace Causeway.Coordinator.Mailbox;

/// <summary>Where a task is in its life: queued → delivered → completed, or withdrawn at any point before completion.</summary>
internal enum PendingTaskState
{
    Queued,
    Delivered,
    Completed,
    Withdrawn,
}

/// <summary>What a task produced: exactly one of an update (plain or protected), an evaluation (null = no data), a step reply or a failure.</summary>
internal sealed record TaskResult(PartyUpdate? Update, Evaluation? Evaluation, PartyFailure? Failure, ProtectedUpdate? Protected = null, ProtocolStepReply? StepReply = null);

/// <summary>
/// One task for one party, and the completion source the channel awaits. State changes are atomic, so a
/// result racing the round deadline either completes the task or is refused as late, never both.
/// </summary>
/// <remarks>
/// A finished task stays in the mailbox's index (so a late or repeated result gets a precise answer) but lets go of
/// its <see cref="Work"/>, and with it the global model it shared with the round's other tasks.
/// </remarks>
internal sealed class PendingTask
{
    private static readonly ParameterLayout NoParameters = new([]);

    // Dropped once the task finishes, so the finished task, which the mailbox keeps until its run ends, does not keep the
    // result (a model-sized delta) reachable after the channel has handed it to the round engine.
    private TaskCompletionSource<TaskResult>? _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskWork? _work;
    private int _state;
    private int _receiving;

    private bool _resultRefused;

    public PendingTask(string id, PartyId party, RoundInfo round, TaskWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        Id = id;
        Party = party;
        Round = round;
        _work = work;
        Layout = work switch
        {
            TrainWork train => train.DeltaLayout,
            EvaluateWork evaluate => evaluate.Global.Layout,
            _ => NoParameters,
        };
    }

    public string Id { get; }

    public PartyId Party { get; }

    public RoundInfo Round { get; }

    /// <summary>The layout every delta for this task must have (empty for a protocol step).</summary>
    public ParameterLayout Layout { get; }

    /// <summary>What the task asks for; null once the task is completed or withdrawn.</summary>
    public TaskWork? Work => Volatile.Read(ref _work);

    public PendingTaskState State => (PendingTaskState)Volatile.Read(ref _state);

    /// <summary>True once the task completed with a result the coordinator refused (malformed, non-finite); a duplicate says so.</summary>
    public bool ResultRefused => Volatile.Read(ref _resultRefused);

    /// <summary>Completes with the result, or is cancelled when the task is withdrawn.</summary>
    /// <exception cref="InvalidOperationException">The task has finished: take the completion before enqueueing the task.</exception>
    public Task<TaskResult> Completion =>
        Volatile.Read(ref _completion)?.Task ?? throw new InvalidOperationException($"Task {Id} has finished; its completion was taken before it was enqueued.");

    /// <summary>
    /// Claims the task for one push that stores its result; false while another push is storing one (a concurrent
    /// duplicate must not make the coordinator hold the result twice). <see cref="EndReceive"/> releases the claim.
    /// </summary>
    public bool TryBeginReceive() => Interlocked.CompareExchange(ref _receiving, 1, 0) == 0;

    /// <summary>True while a push holds the claim of <see cref="TryBeginReceive"/>.</summary>
    public bool Receiving => Volatile.Read(ref _receiving) == 1;

    /// <summary>Releases the claim of <see cref="TryBeginReceive"/>.</summary>
    public void EndReceive() => Volatile.Write(ref _receiving, 0);

    /// <summary>Queued → Delivered. False when the task was withdrawn (or already delivered).</summary>
    public bool TryDeliver() =>
        Interlocked.CompareExchange(ref _state, (int)PendingTaskState.Delivered, (int)PendingTaskState.Queued) == (int)PendingTaskState.Queued;

    /// <summary>Delivered → Queued: the long poll that took the task could not hand it to its party. False otherwise.</summary>
    public bool TryUndeliver() =>
        Interlocked.CompareExchange(ref _state, (int)PendingTaskState.Queued, (int)PendingTaskState.Delivered) == (int)PendingTaskState.Delivered;

    /// <summary>Delivered (or queued, for failures) → Completed with <paramref name="result"/>.</summary>
    public bool TryComplete(TaskResult result, bool requireDelivered)
    {
        if (!TryMove(PendingTaskState.Completed, requireDelivered))
        {
            return false;
        }

        Volatile.Write(ref _work, null);
        Volatile.Write(ref _resultRefused, result.Failure?.Kind is FailureKind.Rejected or FailureKind.NonFinite);
        Interlocked.Exchange(ref _completion, null)?.TrySetResult(result);
        return true;
    }

    /// <summary>Queued or Delivered → Withdrawn (the round closed); the awaiting channel sees cancellation.</summary>
    public bool TryWithdraw(CancellationToken cancellationToken)
    {
        if (!TryMove(PendingTaskState.Withdrawn, requireDelivered: false))
        {
            return false;
        }

        Volatile.Write(ref _work, null);
        Interlocked.Exchange(ref _completion, null)?.TrySetCanceled(cancellationToken);
        return true;
    }

    private bool TryMove(PendingTaskState target, bool requireDelivered)
    {
        while (true)
        {
            var current = Volatile.Read(ref _state);
            if (current is (int)PendingTaskState.Completed or (int)PendingTaskState.Withdrawn
                || (requireDelivered && current != (int)PendingTaskState.Delivered))
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _state, (int)target, current) == current)
            {
                return true;
            }
        }
    }
}
