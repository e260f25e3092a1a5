namespace Causeway.Coordinator.Refusals;

/// <summary>The request names something the coordinator does not have (a run, a job, a model not trained yet). HTTP 404.</summary>
public sealed class NotFoundException(string message, Exception? innerException = null) : RequestRefusedException(message, innerException);
