namespace Causeway.Federation;

/// <summary>A party's answer to a <see cref="ProtocolStep"/>: exactly one of <see cref="Reply"/> and <see cref="Failure"/> is set.</summary>
public sealed record ProtocolStepReply
{
    private ProtocolStepReply(ProtocolMessage? reply, string? failure)
    {
        Reply = reply;
        Failure = failure;
    }

    public ProtocolMessage? Reply { get; }

    /// <summary>Why the party could not take the step (never contains keys, shares or values).</summary>
    public string? Failure { get; }

    public static ProtocolStepReply Success(ProtocolMessage reply) => new(reply ?? throw new ArgumentNullException(nameof(reply)), null);

    public static ProtocolStepReply Failed(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(null, reason);
    }
}
