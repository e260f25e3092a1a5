using System.Security.Cryptography;
using Causeway.Privacy.SecureAggregation;

namespace Causeway.Privacy.Tests.SecureAggregation;

/// <summary>The phases after which a party can vanish.</summary>
public enum DropPhase
{
    /// <summary>Never advertises keys.</summary>
    BeforeAdvertise,

    /// <summary>Advertises, never sends shares.</summary>
    BeforeShares,

    /// <summary>Shares keys, never sends its masked input (its input is not in the sum).</summary>
    BeforeInput,

    /// <summary>Sends its input, never signs the survivor list (authenticated sessions only).</summary>
    BeforeConsistency,

    /// <summary>Sends its input (and signature), never answers the unmasking round (its input stays in the sum).</summary>
    BeforeUnmask,
}

/// <summary>
/// Runs a session in memory, acting as the transport, and records every message the server received. The filters
/// let a test play a server that lies: each is applied to what one party is sent.
/// </summary>
internal sealed class SecureAggregationHarness : IDisposable
{
    private readonly ECDsa[] _identityKeys = [];

    public SecureAggregationHarness(SecureAggregationOptions options)
    {
        Options = options;
        Graph = options.CreateGraph();
        Server = new SecureAggregationServer(options, Graph);
        if (options.Authenticated)
        {
            _identityKeys = [.. Enumerable.Range(0, options.Parties).Select(_ => ECDsa.Create(ECCurve.NamedCurves.nistP256))];
            Roster = [.. _identityKeys.Select(k => k.ExportSubjectPublicKeyInfo())];
        }

        Parties = [.. Enumerable.Range(0, options.Parties).Select(i => new SecureAggregationParty(
            options, i, options.Authenticated ? new SecureAggregationIdentity(_identityKeys[i], Roster) : null, Graph))];
    }

    public SecureAggregationOptions Options { get; }

    public MaskingGraph Graph { get; }

    public SecureAggregationServer Server { get; }

    public IReadOnlyList<SecureAggregationParty> Parties { get; }

    /// <summary>Every party's identity public key, DER SubjectPublicKeyInfo (authenticated sessions).</summary>
    public IReadOnlyList<byte[]> Roster { get; } = [];

    /// <summary>Parties that refused the unmasking round, with why (filled instead of throwing when <see cref="CollectUnmaskRefusals"/>).</summary>
    public Dictionary<int, string> UnmaskRefusals { get; } = [];

    /// <summary>Records a party's refusal to unmask and goes on with the others, as a real transport would.</summary>
    public bool CollectUnmaskRefusals { get; init; }

    /// <summary>Every message a party sent to the server, in order.</summary>
    public List<object> ServerInbox { get; } = [];

    /// <summary>Applied to the key directory each party is sent.</summary>
    public Func<int, KeyDirectory, KeyDirectory> DirectoryFilter { get; init; } = (_, d) => d;

    /// <summary>Applied to every share delivery before it reaches its party (the server as an attacker).</summary>
    public Func<ShareDelivery, ShareDelivery> DeliveryFilter { get; init; } = d => d;

    /// <summary>Applied to the survivor list each party is sent in the consistency round (authenticated sessions).</summary>
    public Func<int, UnmaskingRequest, UnmaskingRequest> ConsistencyFilter { get; init; } = (_, r) => r;

    /// <summary>Applied to the unmasking request each party is sent.</summary>
    public Func<int, UnmaskingRequest, UnmaskingRequest> UnmaskFilter { get; init; } = (_, r) => r;

    public static SecureAggregationOptions CreateOptions(int parties, int threshold, int length, int? degree = null, bool authenticated = false) =>
        new("test-session", parties, threshold, length, FixedPointQuantization.Default, degree, authenticated);

    public static uint[][] RandomInputs(int parties, int length, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, parties).Select(_ => Enumerable.Range(0, length).Select(_ => (uint)random.NextInt64(0, 1L << 32)).ToArray())];
    }

    public static uint[] RingSum(IEnumerable<uint[]> vectors, int length)
    {
        var sum = new uint[length];
        foreach (var v in vectors)
        {
            for (var i = 0; i < length; i++)
            {
                sum[i] = unchecked(sum[i] + v[i]);
            }
        }

        return sum;
    }

    /// <summary>
    /// Runs a session: parties in <paramref name="dropBeforeInput"/> share keys but never send their input; parties in
    /// <paramref name="dropAfterInput"/> send their input but never answer the unmasking round.
    /// </summary>
    public SecureAggregationResult Run(uint[][] inputs, IReadOnlyCollection<int>? dropBeforeInput = null, IReadOnlyCollection<int>? dropAfterInput = null)
    {
        var drops = new Dictionary<int, DropPhase>();
        foreach (var party in dropBeforeInput ?? [])
        {
            drops[party] = DropPhase.BeforeInput;
        }

        foreach (var party in dropAfterInput ?? [])
        {
            drops[party] = DropPhase.BeforeUnmask;
        }

        return Run(inputs, drops);
    }

    /// <summary>Runs a session in which each party of <paramref name="drops"/> vanishes at its phase.</summary>
    public SecureAggregationResult Run(uint[][] inputs, IReadOnlyDictionary<int, DropPhase> drops)
    {
        bool Present(int party, DropPhase phase) => !drops.TryGetValue(party, out var dropped) || dropped > phase;

        var advertising = Parties.Where(p => Present(p.Index, DropPhase.BeforeAdvertise)).ToArray();
        foreach (var party in advertising)
        {
            Send(party.Advertise());
        }

        if (Server.CloseAdvertising() is not { } directory)
        {
            return Server.Finish();
        }

        foreach (var party in advertising.Where(p => Present(p.Index, DropPhase.BeforeShares)))
        {
            Send(party.ShareKeys(DirectoryFilter(party.Index, directory.For(Graph, party.Index))));
        }

        if (Server.CloseSharing() is not { } deliveries)
        {
            return Server.Finish();
        }

        foreach (var delivery in deliveries.Where(d => Present(d.To, DropPhase.BeforeInput)))
        {
            Send(Parties[delivery.To].MaskInput(DeliveryFilter(delivery), inputs[delivery.To]));
        }

        if (Server.CloseInputCollection() is not { } request)
        {
            return Server.Finish();
        }

        if (Options.Authenticated)
        {
            foreach (var survivor in request.Survivors.Where(s => Present(s, DropPhase.BeforeConsistency)))
            {
                Send(Parties[survivor].ConfirmSurvivors(ConsistencyFilter(survivor, request.For(Graph, survivor))));
            }

            if (Server.CloseConsistencyCheck() is not { } signed)
            {
                return Server.Finish();
            }

            request = signed;
        }

        foreach (var survivor in request.Survivors.Where(s => Present(s, DropPhase.BeforeUnmask) && (!Options.Authenticated || Present(s, DropPhase.BeforeConsistency))))
        {
            try
            {
                Send(Parties[survivor].Unmask(UnmaskFilter(survivor, request.For(Graph, survivor))));
            }
            catch (SecureAggregationException e) when (CollectUnmaskRefusals)
            {
                UnmaskRefusals[survivor] = e.Message;
            }
        }

        return Server.Finish();
    }

    public void Dispose()
    {
        foreach (var party in Parties)
        {
            party.Dispose();
        }

        foreach (var key in _identityKeys)
        {
            key.Dispose();
        }
    }

    private void Send(AdvertisedKeys message)
    {
        ServerInbox.Add(message);
        Server.Receive(message);
    }

    private void Send(ShareBundle message)
    {
        ServerInbox.Add(message);
        Server.Receive(message);
    }

    private void Send(MaskedInput message)
    {
        ServerInbox.Add(message);
        Server.Receive(message);
    }

    private void Send(SurvivorSignature message)
    {
        ServerInbox.Add(message);
        Server.Receive(message);
    }

    private void Send(UnmaskingResponse message)
    {
        ServerInbox.Add(message);
        Server.Receive(message);
    }
}
