namespace Causeway.Protocol;

/// <summary>Paths, media type and headers of the Causeway v1 wire protocol (see docs/protocol.md).</summary>
public static class CausewayProtocol
{
    /// <summary>The media type of every protocol request and response body.</summary>
    public const string ContentType = "application/x-protobuf";

    /// <summary>The path prefix; the package name is the protocol version.</summary>
    public const string PathPrefix = "/causeway.v1/";

    public const string JoinPath = PathPrefix + "Join";

    public const string HeartbeatPath = PathPrefix + "Heartbeat";

    public const string PullTaskPath = PathPrefix + "PullTask";

    public const string PushResultPath = PathPrefix + "PushResult";

    /// <summary>A federated vector query asked by a party (docs/vectors.md).</summary>
    public const string SearchPath = PathPrefix + "Search";

    /// <summary>
    /// Optional PushResult request header repeating the body's <c>task_id</c>. With it the coordinator checks the task
    /// before reading the body and decodes the delta straight from the stream (one copy of the update).
    /// </summary>
    public const string TaskIdHeader = "Causeway-Task-Id";
}
