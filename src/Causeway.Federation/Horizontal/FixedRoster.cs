namespace Causeway.Federation.Horizontal;

/// <summary>The same parties every round (a simulation, or a test).</summary>
public sealed class FixedRoster : IPartyRoster
{
    private readonly PartyId[] _parties;

    /// <exception cref="ArgumentException">No party, or a party listed twice.</exception>
    public FixedRoster(IReadOnlyList<PartyId> parties)
    {
        ArgumentNullException.ThrowIfNull(parties);
        if (parties.Count == 0)
        {
            throw new ArgumentException("A run needs at least one party.", nameof(parties));
        }

        if (parties.Distinct().Count() != parties.Count)
        {
            throw new ArgumentException("A party is listed twice.", nameof(parties));
        }

        _parties = [.. parties];
    }

    public IReadOnlyList<PartyId> Eligible(RoundInfo round) => _parties;
}
