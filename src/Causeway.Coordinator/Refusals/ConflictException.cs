namespace Causeway.Coordinator.Refusals;

/// <summary>
/// The request is sound, but the federation's present state does not allow it: another run is in progress, the run is
/// in a status that cannot change so, the connected parties cannot run it, a budget is spent. HTTP 409.
/// </summary>
public sealed class ConflictException(string message, Exception? innerException = null) : RequestRefusedException(message, innerException);
