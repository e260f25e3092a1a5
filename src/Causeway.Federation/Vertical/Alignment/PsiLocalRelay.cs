using Causeway.Privacy.Psi;

namespace Causeway.Federation.Vertical.Alignment;

/// <summary>
/// Runs a PSI session between a guest and its hosts in one process, relaying each batch the way the coordinator relays
/// them over the network (the parties never talk to each other directly). For simulation, tests and the in-process
/// bench; parties that were interrupted continue from their <c>State</c>.
/// </summary>
public sealed class PsiLocalRelay
{
    private readonly PsiGuest _guest;
    private readonly IReadOnlyList<PsiHost> _hosts;

    public PsiLocalRelay(PsiGuest guest, IReadOnlyList<PsiHost> hosts)
    {
        ArgumentNullException.ThrowIfNull(guest);
        ArgumentNullException.ThrowIfNull(hosts);
        _guest = guest;
        _hosts = hosts;
    }

    /// <summary>Called with every batch delivered (host index, batch): what the receiving party sees.</summary>
    public Action<int, PsiBatch>? Delivered { get; init; }

    /// <summary>Called after each batch of the guest's and hosts' point streams with the IDs processed so far.</summary>
    public IProgress<long>? Progress { get; init; }

    /// <summary>Runs the remaining protocol; returns the guest's result and each host's.</summary>
    /// <param name="guestIntersection">Receives the guest's intersecting rows (reveal modes).</param>
    /// <param name="hostIntersections">Receives each host's intersecting rows (reveal-to-all), or null.</param>
    public (GuestAlignmentResult Guest, IReadOnlyList<HostAlignmentResult> Hosts) Run(TextWriter? guestIntersection, IReadOnlyList<TextWriter?>? hostIntersections = null)
    {
        var done = 0L;
        foreach (var batch in _guest.GuestPoints())
        {
            for (var h = 0; h < _hosts.Count; h++)
            {
                if (!_guest.Needs(h, batch.Index))
                {
                    continue;
                }

                Delivered?.Invoke(h, batch);
                foreach (var reply in _hosts[h].AcceptGuestPoints(batch))
                {
                    Delivered?.Invoke(h, reply);
                    _guest.AcceptGuestTags(h, reply);
                }
            }

            Progress?.Report(done += batch.Payload.Length / EcdhPsiCipher.PointBytes);
        }

        for (var h = 0; h < _hosts.Count; h++)
        {
            foreach (var batch in _hosts[h].HostPoints())
            {
                Delivered?.Invoke(h, batch);
                _guest.AcceptHostPoints(h, batch);
                _hosts[h].AcknowledgeHostPoints(batch.Index);
                Progress?.Report(done += batch.Payload.Length / EcdhPsiCipher.PointBytes);
            }
        }

        var guest = _guest.Finish(guestIntersection);
        var hosts = new HostAlignmentResult[_hosts.Count];
        for (var h = 0; h < _hosts.Count; h++)
        {
            foreach (var batch in _guest.ResultFor(h))
            {
                Delivered?.Invoke(h, batch);
                hosts[h] = _hosts[h].AcceptResult(batch, hostIntersections?[h]) ?? hosts[h];
            }
        }

        return (guest, hosts);
    }
}
