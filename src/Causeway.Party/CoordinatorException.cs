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

    /// <summary>The HTTP status the coordinator answered with.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The coordinator's reason, from the <c>Error</c> body.</summary>
    public string Reason { get; } = "";

    /// <summary>True when retrying later may succeed (5xx, 408, 429).</summary>
    public bool IsTransient => (int)Status >= 500 || Status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>True when the session is gone and the party must join again.</summary>
    public bool SessionExpired => Status == HttpStatusCode.Unauthorized;
}
