namespace Causeway.Protocol.Wire;

/// <summary>Which result a <see cref="PushResult"/> carries.</summary>
public enum PushResultKind
{
    None,
    Train,
    Evaluation,
    Failure,

    /// <summary>The answer to a protocol step (<c>step_reply</c>).</summary>
    StepReply,
}
