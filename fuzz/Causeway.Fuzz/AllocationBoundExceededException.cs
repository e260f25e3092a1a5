namespace Causeway.Fuzz;

/// <summary>An input made a parser allocate more than <see cref="FuzzTarget"/> allows: a length field drives an allocation.</summary>
public sealed class AllocationBoundExceededException : Exception
{
    public AllocationBoundExceededException()
    {
    }

    public AllocationBoundExceededException(string message)
        : base(message)
    {
    }

    public AllocationBoundExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal AllocationBoundExceededException(string target, int inputBytes, long allocated, long bound)
        : base($"{target}: an input of {inputBytes} bytes made the parser allocate {allocated} bytes (bound {bound}).")
    {
    }
}
