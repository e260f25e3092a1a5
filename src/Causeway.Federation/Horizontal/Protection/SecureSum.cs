using Causeway.Privacy.SecureAggregation;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>
/// One secure-aggregation session driven from the server's side (Bonawitz et al. 2017; SecAgg+ and the authenticated
/// consistency round when the options say so): the parties advertise keys, share them, send their masked inputs, and
/// the survivors (after signing who survived, when authenticated) reveal what removes the masks. The rounds are the same
/// whatever is summed (secure k-means statistics, evaluation histograms); the caller says how a step reaches a party and
/// what round 2 asks for.
/// </summary>
/// <remarks>
/// A reply that breaks the protocol (a wrong index or length, a share that does not open) leaves its sender out of the
/// session, like a dropout; the session's threshold decides whether the others still have a sum.
/// </remarks>
public static class SecureSum
{
    /// <summary>Asks each of <paramref name="parties"/> its step at once; per party that answered, its reply, or why it refused.</summary>
    public delegate Task<IReadOnlyList<(PartyId Party, ProtocolMessage? Reply, string? Refusal)>> Ask(IEnumerable<PartyId> parties, Func<PartyId, ProtocolMessage> request);

    /// <summary>Runs one session among <paramref name="parties"/> (their indices in the session are their positions).</summary>
    /// <param name="options">The session's public parameters.</param>
    /// <param name="parties">The parties, in session order.</param>
    /// <param name="maskRequest">Round 2's request to the party of an index, given the shares addressed to it; answered by <see cref="SecureAggregationMasked"/>.</param>
    /// <param name="ask">How steps reach the parties.</param>
    /// <param name="certificates">The parties' client certificates, relayed in an authenticated session.</param>
    /// <returns>The ring sum over the parties whose inputs count, or null and why not (the round and the server's reason, and any refusals of round 2).</returns>
    public static async Task<(uint[]? Sum, string? Problem)> RunAsync(
        SecureAggregationOptions options, IReadOnlyList<PartyId> parties, Func<int, ShareDelivery, ProtocolMessage> maskRequest, Ask ask, Func<PartyId, byte[]?>? certificates = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(parties);
        ArgumentNullException.ThrowIfNull(maskRequest);
        ArgumentNullException.ThrowIfNull(ask);
        var uncertified = options.Authenticated ? parties.Where(p => certificates?.Invoke(p) is null).Select(p => (PartyId?)p).FirstOrDefault() : null;
        if (uncertified is { } missing)
        {
            return (null, $"authenticated secure aggregation needs every party's client certificate; party {missing} has none");
        }

        var graph = options.CreateGraph();
        using var roster = options.Authenticated ? PartyCredential.CoordinatorRoster(parties, certificates) : null;
        var server = new SecureAggregationServer(options, graph, roster);
        var index = parties.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);

        // Round 0: two fresh public keys from every party.
        var advertised = new List<PartyId>();
        foreach (var (party, reply, _) in await ask(parties, p => SecureAggregationAdvertise.For(options, graph, parties, index[p], certificates)).ConfigureAwait(false))
        {
            if (reply is SecureAggregationKeys keys && keys.Keys.Party == index[party] && Accepts(() => server.Receive(keys.Keys)))
            {
                advertised.Add(party);
            }
        }

        if (server.CloseAdvertising() is not { } directory)
        {
            return (null, $"round 0: {server.Error}");
        }

        // Round 1: each advertiser Shamir-shares its secrets, sealed per peer.
        var shared = new List<PartyId>();
        foreach (var (party, reply, _) in await ask(advertised, p => new SecureAggregationShareKeys(directory.For(graph, index[p]))).ConfigureAwait(false))
        {
            if (reply is SecureAggregationShares shares && shares.Bundle.Party == index[party] && Accepts(() => server.Receive(shares.Bundle)))
            {
                shared.Add(party);
            }
        }

        if (server.CloseSharing() is not { } sharing)
        {
            return (null, $"round 1: {server.Error}");
        }

        // Round 2: each party's input, masked with the shares addressed to it; a party that cannot mask it says why.
        var deliveries = sharing.ToDictionary(d => d.To);
        var refusals = new List<string>();
        foreach (var (party, reply, refusal) in await ask(shared, p => maskRequest(index[p], deliveries[index[p]])).ConfigureAwait(false))
        {
            if (reply is SecureAggregationMasked masked && masked.Input.Party == index[party] && masked.Input.Values.Length == options.Length)
            {
                Accepts(() => server.Receive(masked.Input));
            }
            else if (refusal is not null)
            {
                refusals.Add($"{party}: {refusal}");
            }
        }

        if (server.CloseInputCollection() is not { } unmasking)
        {
            return (null, string.Join("; ", [$"round 2: {server.Error}", .. refusals]));
        }

        var inSum = unmasking.Survivors.ToHashSet();
        var survivors = parties.Where(p => inSum.Contains(index[p])).ToList();
        if (options.Authenticated)
        {
            // The consistency round: each survivor signs its view of who survived.
            foreach (var (party, reply, _) in await ask(survivors, p => new SecureAggregationConfirm(unmasking.For(graph, index[p]))).ConfigureAwait(false))
            {
                if (reply is SecureAggregationConfirmed confirmed && confirmed.Signature.Party == index[party])
                {
                    Accepts(() => server.Receive(confirmed.Signature));
                }
            }

            if (server.CloseConsistencyCheck() is not { } signed)
            {
                return (null, $"consistency round: {server.Error}");
            }

            unmasking = signed;
            var signers = signed.Signatures!.Select(s => s.Party).ToHashSet();
            survivors = [.. survivors.Where(p => signers.Contains(index[p]))];
        }

        // Unmasking: the survivors reveal what removes the masks.
        foreach (var (party, reply, _) in await ask(survivors, p => new SecureAggregationUnmask(unmasking.For(graph, index[p]))).ConfigureAwait(false))
        {
            if (reply is SecureAggregationUnmasked unmasked && unmasked.Response.Party == index[party])
            {
                Accepts(() => server.Receive(unmasked.Response));
            }
        }

        try
        {
            var result = server.Finish();
            return result.Sum is { } sum ? (sum, null) : (null, $"round 3: {result.Error}");
        }
        catch (SecureAggregationException e)
        {
            return (null, $"round 3: {e.Message}");
        }
    }

    // A message that breaks the protocol leaves its sender out of the session, like a dropout.
    private static bool Accepts(Action receive)
    {
        try
        {
            receive();
            return true;
        }
        catch (SecureAggregationException)
        {
            return false;
        }
    }
}
