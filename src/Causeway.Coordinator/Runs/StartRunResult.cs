namespace Causeway.Coordinator.Runs;

/// <summary>Either the id of the started run, or the HTTP status and reason it was not started.</summary>
public sealed record StartRunResult(string? RunId, int Status, string? Error);
