using Causeway.Privacy.SecureAggregation;

namespace Causeway.Privacy.Tests.SecureAggregation;

/// <summary>Runs the four rounds in memory, acting as the transport, and records every message the server received.</summary>
internal sealed class SecureAggregationHarness : IDisposable
{
    public SecureAggregationHarness(SecureAggregationOptions options)
    {
        Options = options;
        Server = new SecureAggregationServer(options);
        Parties = [.. Enumerable.Range(0, options.Parties).Select(i => new SecureAggregationParty(options, i))];
    }

    public SecureAggregationOptions Options { get; }

    public SecureAggregationServer Server { get; }

    public IReadOnlyList<SecureAggregationParty> Parties { get; }

    /// <summary>Every message a party sent to the server, in order.</summary>
    public List<object> ServerInbox { get; } = [];

    /// <summary>Applied to every share delivery before it reaches its party (the server as an attacker).</summary>
    public Func<ShareDelivery, ShareDelivery> DeliveryFilter { get; init; } = d => d;

    public static SecureAggregationOptions CreateOptions(int parties, int threshold, int length) =>
        new("test-session", parties, threshold, length, FixedPointQuantization.Default);

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
        dropBeforeInput ??= [];
        dropAfterInput ??= [];
        foreach (var party in Parties)
        {
            Send(party.Advertise());
        }

        var directory = Server.CloseAdvertising()!;
        foreach (var party in Parties)
        {
            Send(party.ShareKeys(directory));
        }

        var deliveries = Server.CloseSharing()!;
        foreach (var delivery in deliveries)
        {
            var masked = Parties[delivery.To].MaskInput(DeliveryFilter(delivery), inputs[delivery.To]);
            if (!dropBeforeInput.Contains(delivery.To))
            {
                Send(masked);
            }
        }

        if (Server.CloseInputCollection() is not { } request)
        {
            return Server.Finish();
        }

        foreach (var survivor in request.Survivors)
        {
            if (!dropAfterInput.Contains(survivor))
            {
                Send(Parties[survivor].Unmask(request));
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

    private void Send(UnmaskingResponse message)
    {
        ServerInbox.Add(message);
        Server.Receive(message);
    }
}
