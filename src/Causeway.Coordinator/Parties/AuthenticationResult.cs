namespace Causeway.Coordinator.Parties;

/// <summary>The outcome of authenticating a protocol call: the caller's session, or why it was refused.</summary>
internal readonly record struct AuthenticationResult(PartySession? Session, AccessRefusal Refusal, string? Error)
{
    public static AuthenticationResult Refused(AccessRefusal refusal, string error) => new(null, refusal, error);
}
