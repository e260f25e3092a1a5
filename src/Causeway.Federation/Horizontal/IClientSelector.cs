namespace Causeway.Federation.Horizontal;

/// <summary>Chooses which of the available parties take part in a round.</summary>
public interface IClientSelector
{
    /// <summary>
    /// Returns the parties for <paramref name="round"/>, a subset of <paramref name="available"/>, in a
    /// deterministic order for a given <paramref name="random"/> state.
    /// </summary>
    IReadOnlyList<PartyId> Select(RoundInfo round, IReadOnlyList<PartyId> available, Random random);
}
