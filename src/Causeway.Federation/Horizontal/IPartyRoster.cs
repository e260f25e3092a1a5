namespace Causeway.Federation.Horizontal;

/// <summary>
/// Which parties a run may select, round by round. A simulation's roster is fixed (<see cref="FixedRoster"/>); a network
/// run's is the connected parties whose data fit the run's setup, so a party that joins while the run goes on is
/// eligible from the next round, and one that left is not selected again until it is back.
/// </summary>
public interface IPartyRoster
{
    /// <summary>The parties eligible for <paramref name="round"/>, each once, in a stable order (selection depends on it).</summary>
    IReadOnlyList<PartyId> Eligible(RoundInfo round);
}
