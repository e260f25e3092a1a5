namespace Causeway.Federation.Vertical.Network;

/// <summary>A vertical job failed: a party refused or failed a step, or did not answer in time. The message names the party and the step.</summary>
public sealed class VerticalJobException : Exception
{
    public VerticalJobException()
    {
    }

    public VerticalJobException(string message)
        : base(message)
    {
    }

    public VerticalJobException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
