namespace Causeway.Coordinator.Parties;

/// <summary>The outcome of a join attempt: a session token, or the HTTP status and reason of the refusal.</summary>
internal readonly record struct JoinResult(string? SessionToken, int Status, string? Error)
{
    public static JoinResult Refused(int status, string error) => new(null, status, error);
}
