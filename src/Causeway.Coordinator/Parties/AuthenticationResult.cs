namespace Causeway.Coordinator.Parties;

/// <summary>The outcome of authenticating a protocol call: the caller's session, or the HTTP status and reason of the refusal.</summary>
internal readonly record struct AuthenticationResult(PartySession? Session, int Status, string? Error)
{
    public static AuthenticationResult Refused(int status, string error) => new(null, status, error);
}
