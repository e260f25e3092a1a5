namespace Causeway.Federation.Vertical.Alignment;

/// <summary>A PSI peer broke the protocol (a batch out of order, of the wrong stream or of the wrong size); not retried.</summary>
public sealed class AlignmentProtocolException : Exception
{
    public AlignmentProtocolException()
    {
    }

    public AlignmentProtocolException(string message)
        : base(message)
    {
    }

    public AlignmentProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
