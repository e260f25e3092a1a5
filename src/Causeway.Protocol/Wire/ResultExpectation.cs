using Causeway.Core.Tensors;

namespace Causeway.Protocol.Wire;

/// <summary>
/// What the task a pushed result names accepts from the caller, so that <see cref="PushResult"/> stores only that: a
/// plain delta of the task's layout, a protected update, or a protocol step's reply. Any other large field is read past
/// without being stored, so a caller cannot make the coordinator hold more than the result of its own delivered task.
/// </summary>
public sealed record ResultExpectation
{
    /// <summary>Nothing large is stored (an unknown task, another party's, one not waiting for a result).</summary>
    public static ResultExpectation Nothing { get; } = new();

    /// <summary>The layout a plain delta must have; null when a delta is not expected.</summary>
    public ParameterLayout? Delta { get; init; }

    /// <summary>
    /// True when a plain delta of any layout is expected: a recommendation run's sparse item update, whose rows are the
    /// items the party rated. Its tensors are stored as sent, bounded by the message limit; the round's aggregator checks
    /// the shape (<c>IAggregator.DescribeMisfit</c>).
    /// </summary>
    public bool AnyLayout { get; init; }

    /// <summary>True when a protected round's update (masked vector or ciphertexts) is expected.</summary>
    public bool ProtectedUpdate { get; init; }

    /// <summary>True when a protocol step's reply is expected.</summary>
    public bool StepReply { get; init; }
}
