namespace Causeway.Federation.Vertical.Training;

/// <summary>A vertical simulation config is malformed; the message names the file and the field.</summary>
public sealed class VerticalConfigException : Exception
{
    /// <summary>Creates the exception.</summary>
    public VerticalConfigException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public VerticalConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public VerticalConfigException()
    {
    }
}
