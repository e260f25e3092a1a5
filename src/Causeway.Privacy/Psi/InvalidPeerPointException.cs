namespace Causeway.Privacy.Psi;

/// <summary>A peer sent bytes that are not a valid uncompressed P-256 point: a broken or malicious peer, never retried.</summary>
public sealed class InvalidPeerPointException : Exception
{
    public InvalidPeerPointException()
    {
    }

    public InvalidPeerPointException(string message)
        : base(message)
    {
    }

    public InvalidPeerPointException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InvalidPeerPointException(string message, int index)
        : base(message) => Index = index;

    /// <summary>The index of the offending point in its batch, or −1 when the batch itself is malformed.</summary>
    public int Index { get; } = -1;
}
