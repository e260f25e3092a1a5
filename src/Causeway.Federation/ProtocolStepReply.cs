namespace Causeway.Federation;

/// <summary>
/// A party's answer to a <see cref="ProtocolStep"/>: exactly one of <see cref="Reply"/> and <see cref="Failure"/> is set;
/// a lost step (<see cref="IsLost"/>, no answer arrived) has only a <see cref="Failure"/> saying why.
/// </summary>
public sealed record ProtocolStepReply
{
    private ProtocolStepReply(ProtocolMessage? reply, string? failure, bool lost = false)
    {
        Reply = reply;
        Failure = failure;
        IsLost = lost;
    }

    public ProtocolMessage? Reply { get; }

    /// <summary>Why the party could not take the step (never contains keys, shares or values).</summary>
    public string? Failure { get; }

    public static ProtocolStepReply Success(ProtocolMessage reply) => new(reply ?? throw new ArgumentNullException(nameof(reply)), null);

    /// <summary>
    /// True when the party never answered: it was not connected, or its session ended (or it re-joined) with the step
    /// open. The step may not have been taken, or taken without its answer arriving; a caller may send it again once the
    /// party is back, if the party can tell a repeated step (vertical jobs number their steps).
    /// </summary>
    public bool IsLost { get; }

    public static ProtocolStepReply Failed(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(null, reason);
    }

    /// <summary>The party did not answer (see <see cref="IsLost"/>).</summary>
    public static ProtocolStepReply Lost(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(null, reason, lost: true);
    }
}
