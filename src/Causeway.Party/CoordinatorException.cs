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

    /// <summary>A refusal with the coordinator's machine-readable reason (docs/protocol.md, "Errors").</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="message">The coordinator's reason.</param>
    /// <param name="code">The Error body's reason code.</param>
    public CoordinatorException(HttpStatusCode status, string message, Protocol.V1.ErrorReason code)
        : this(status, message)
    {
        Code = code;
    }

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
    public bool SessionReplaced => Code == Protocol.V1.ErrorReason.SessionReplaced;

    /// <summary>True when a standby join was refused because the party id has a live session (409).</summary>
    public bool PartyIdInUse => Code == Protocol.V1.ErrorReason.PartyIdInUse;

    /// <summary>What the coordinator said the refusal is, for code to act on (Unspecified when it sent no Error body).</summary>
    public Protocol.V1.ErrorReason Code { get; }
}
