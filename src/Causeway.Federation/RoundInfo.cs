namespace Causeway.Federation;

/// <summary>Which round of which run is in progress. Rounds count from 1.</summary>
public readonly record struct RoundInfo(string RunId, int Round, int TotalRounds);
