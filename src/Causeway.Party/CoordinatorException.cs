using System.Net;

namespace Causeway.Party;

/// <summary>The coordinator refused a call (an HTTP error status with a protocol <c>Error</c> body).</summary>
public sealed class CoordinatorException : Exception
{
    public CoordinatorException()
    {
    }

    public CoordinatorException(string message)
        : base(message)
    {
    }

    public CoordinatorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CoordinatorException(HttpStatusCode status, string message)
        : base($"{(int)status} {status}: {message}")
    {
        Status = status;
        Reason = message;
    }

    /// <param name="status">The HTTP status.</param>
    /// <param name="message">The coordinator's reason.</param>
    /// <param name="sessionReplaced">The Error body said another process joined with this party's id (<see cref="SessionReplaced"/>).</param>
    /// <param name="partyIdInUse">The Error body said a standby join found the id in use (<see cref="PartyIdInUse"/>).</param>
    public CoordinatorException(HttpStatusCode status, string message, bool sessionReplaced, bool partyIdInUse)
        : this(status, message)
    {
        SessionReplaced = sessionReplaced;
        PartyIdInUse = partyIdInUse;
    }

    /// <summary>The HTTP status the coordinator answered with.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The coordinator's reason, from the <c>Error</c> body.</summary>
    public string Reason { get; } = "";

    /// <summary>True when retrying later may succeed (5xx, 408, 429).</summary>
    public bool IsTransient => (int)Status >= 500 || Status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>True when the session is gone and the party must join again.</summary>
    public bool SessionExpired => Status == HttpStatusCode.Unauthorized && !SessionReplaced;

    /// <summary>
    /// True when another process joined with this party's id and its session replaced this one (401): joining again at
    /// once would replace it in turn, so the party stands by (<see cref="PartyHost"/>).
    /// </summary>
    public bool SessionReplaced { get; }

    /// <summary>True when a standby join was refused because the party id has a live session (409).</summary>
    public bool PartyIdInUse { get; }
}
