namespace Causeway.Federation.Vertical.Data;

/// <summary>
/// A party's vertical table does not fit vertical training (its schema has no single ID column, an ID is malformed, or
/// an aligned ID is not in the table); the message names the file. A fault in the input: fix it, do not retry.
/// </summary>
public sealed class VerticalDataException : Exception
{
    /// <summary>Creates the exception.</summary>
    public VerticalDataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public VerticalDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public VerticalDataException()
    {
    }
}
