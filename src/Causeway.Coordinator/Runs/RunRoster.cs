using Causeway.Coordinator.Parties;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Microsoft.Extensions.Logging;

namespace Causeway.Coordinator.Runs;

/// <summary>
/// A network run's parties, round by round: the connected parties whose data fit the run's setup
/// (<see cref="RunSetup.DescribeMisfit"/>, or a recommendation run's
/// <see cref="Federation.Recommendation.Network.RecommendationSetup.DescribeMisfit"/>), in id order. A party that joins while the run goes on is checked once per
/// session and, when it fits, selected from the next round on; one that left is not selected until it joins again.
/// </summary>
/// <remarks>Parties without training data (vertical-only parties, arbiters) never fit a horizontal run.</remarks>
internal sealed class RunRoster(PartyRegistry parties, string runId, Func<DataDescription?, string?> describeMisfit, ILogger logger) : IPartyRoster
{
    private readonly Lock _lock = new();
    private readonly Dictionary<PartySession, bool> _fits = new(ReferenceEqualityComparer.Instance);

    public IReadOnlyList<PartyId> Eligible(RoundInfo round)
    {
        var sessions = parties.ActiveSessions();
        lock (_lock)
        {
            // Forget sessions that ended, so the cache holds only what is connected.
            foreach (var gone in _fits.Keys.Where(s => !s.Active).ToList())
            {
                _fits.Remove(gone);
            }

            var eligible = new List<PartyId>(sessions.Count);
            foreach (var session in sessions)
            {
                if (!_fits.TryGetValue(session, out var fits))
                {
                    var misfit = describeMisfit(session.Data);
                    fits = misfit is null;
                    _fits[session] = fits;
                    if (misfit is not null && session.Data is not null)
                    {
                        CoordinatorLog.PartyLeftOut(logger, session.Party.Value, runId, misfit);
                    }
                }

                if (fits)
                {
                    eligible.Add(session.Party);
                }
            }

            return eligible;
        }
    }
}
