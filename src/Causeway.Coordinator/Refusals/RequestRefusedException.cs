namespace Causeway.Coordinator.Refusals;

/// <summary>
/// An expected refusal: the request cannot be carried out as asked. The message says what and why, in words the caller
/// can act on, and never holds values, keys or rows. Domain code raises one of the derived types; the endpoints answer
/// each with its HTTP status (<c>ControlApi</c>), so no domain class names a status.
/// </summary>
public abstract class RequestRefusedException : Exception
{
    protected RequestRefusedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
