namespace Causeway.Party;

/// <summary>A task the party did and whose result the coordinator took: what <c>causeway party</c> prints a line for.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Round">The round, from 1.</param>
/// <param name="Kind">"train", "evaluate", or a protocol step's name.</param>
/// <param name="Seconds">From taking the task to the coordinator's answer to its result.</param>
public sealed record FinishedTask(string RunId, int Round, string Kind, double Seconds);
