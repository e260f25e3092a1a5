using Causeway.Core.Metrics;
using Causeway.Core.Tensors;
using Causeway.Core.Training;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.DifferentialPrivacy;
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
internal sealed class PendingTask
{
    private readonly TaskCompletionSource<TaskResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ParameterSet? _global;
    private int _state;

    private static readonly ParameterLayout NoParameters = new([]);

    public PendingTask(
        string id, PartyId party, bool isTrain, RoundInfo round, ParameterSet? global, TrainingPlan? plan, ulong seed, Protocol.V1.RunSetup? setup,
        UpdatePrivacy? privacy = null)
    {
        Privacy = privacy;
        Setup = setup;
        Id = id;
        Party = party;
        IsTrain = isTrain;
        Round = round;
        _global = global;
        Layout = global?.Layout ?? NoParameters;
        Plan = plan;
        Seed = seed;
    }

    public string Id { get; }

    public PartyId Party { get; }

    public bool IsTrain { get; }

    public RoundInfo Round { get; }

    /// <summary>The layout every delta for this task must have.</summary>
    public ParameterLayout Layout { get; }

    public TrainingPlan? Plan { get; }

    /// <summary>True for a protocol step of a protected round (<see cref="Protection"/> holds its request).</summary>
    public bool IsStep { get; init; }

    /// <summary>A protocol step's request, or how a protected train task's delta must be protected; null otherwise.</summary>
    public ProtocolMessage? Protection { get; init; }

    public ulong Seed { get; }

    /// <summary>The client-level DP the party must apply to its delta (train tasks of such runs), or null.</summary>
    public UpdatePrivacy? Privacy { get; }

    /// <summary>The run's setup in wire form (shared by every task of the run), or null when the run has none.</summary>
    public Protocol.V1.RunSetup? Setup { get; }

    /// <summary>The global parameters to send (null for a protocol step); released once the task is finished.</summary>
    public ParameterSet? Global => _global;

    public PendingTaskState State => (PendingTaskState)Volatile.Read(ref _state);

    public Task<TaskResult> Completion => _completion.Task;

    /// <summary>Queued → Delivered. False when the task was withdrawn (or already delivered).</summary>
    public bool TryDeliver() =>
        Interlocked.CompareExchange(ref _state, (int)PendingTaskState.Delivered, (int)PendingTaskState.Queued) == (int)PendingTaskState.Queued;

    /// <summary>Delivered (or queued, for failures) → Completed with <paramref name="result"/>.</summary>
    public bool TryComplete(TaskResult result, bool requireDelivered)
    {
        if (!TryMove(PendingTaskState.Completed, requireDelivered))
        {
            return false;
        }

        _global = null;
        _completion.TrySetResult(result);
        return true;
    }

    /// <summary>Queued or Delivered → Withdrawn (the round closed); the awaiting channel sees cancellation.</summary>
    public bool TryWithdraw(CancellationToken cancellationToken)
    {
        if (!TryMove(PendingTaskState.Withdrawn, requireDelivered: false))
        {
            return false;
        }

        _global = null;
        _completion.TrySetCanceled(cancellationToken);
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
