namespace Causeway.Coordinator.Refusals;

/// <summary>The request itself is wrong (a run configuration that does not validate, a malformed body); asking again unchanged cannot help. HTTP 400.</summary>
public sealed class InvalidRequestException(string message, Exception? innerException = null) : RequestRefusedException(message, innerException);
