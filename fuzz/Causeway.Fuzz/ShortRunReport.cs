namespace Causeway.Fuzz;

/// <summary>The result of a <see cref="ShortRun"/> over one target.</summary>
/// <param name="Target">The target's name.</param>
/// <param name="Inputs">Inputs run (corpus and mutations), up to the first hang.</param>
/// <param name="Accepted">Inputs the parser accepted.</param>
/// <param name="Refused">Inputs the parser refused with a documented exception.</param>
/// <param name="Findings">Contract violations, one per distinct exception type and place (the first input that showed it).</param>
internal sealed record ShortRunReport(string Target, int Inputs, int Accepted, int Refused, IReadOnlyList<FuzzFinding> Findings);
