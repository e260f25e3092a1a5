namespace Causeway.Protocol;

/// <summary>A peer sent bytes that are not a valid message of the expected type (a peer fault, never a bug here).</summary>
public sealed class MalformedMessageException : Exception
{
    public MalformedMessageException()
    {
    }

    public MalformedMessageException(string message)
        : base(message)
    {
    }

    public MalformedMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
