namespace Causeway.Coordinator.Parties;

/// <summary>The outcome of a join attempt: a session token, or why it was refused.</summary>
/// <param name="SessionToken">The new session's token; null when refused.</param>
/// <param name="Refusal">Why the join was refused.</param>
/// <param name="Error">The refusal's reason, for the party.</param>
/// <param name="ReplacedLiveSession">
/// When the join replaced a live session of the same party: how long ago that session was last heard from (a restarted
/// party, or a second process with the same id); null otherwise.
/// </param>
internal readonly record struct JoinResult(string? SessionToken, AccessRefusal Refusal, string? Error, TimeSpan? ReplacedLiveSession = null)
{
    public static JoinResult Refused(AccessRefusal refusal, string error) => new(null, refusal, error);
}
