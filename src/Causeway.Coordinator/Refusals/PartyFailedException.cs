namespace Causeway.Coordinator.Refusals;

/// <summary>A party the request needed failed to answer it (a vertical scoring step, say); the coordinator itself is fine. HTTP 502.</summary>
public sealed class PartyFailedException(string message, Exception? innerException = null) : RequestRefusedException(message, innerException);
