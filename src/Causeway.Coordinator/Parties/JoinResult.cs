namespace Causeway.Coordinator.Parties;

/// <summary>The outcome of a join attempt: a session token, or why it was refused.</summary>
internal readonly record struct JoinResult(string? SessionToken, AccessRefusal Refusal, string? Error)
{
    public static JoinResult Refused(AccessRefusal refusal, string error) => new(null, refusal, error);
}
