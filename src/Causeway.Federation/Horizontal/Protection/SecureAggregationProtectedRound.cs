using System.Diagnostics;
using Causeway.Core.Tensors;
using Causeway.Privacy.SecureAggregation;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>One round of <see cref="SecureAggregationProtection"/>: the coordinator's <see cref="SecureAggregationServer"/> driven over the channel.</summary>
internal sealed class SecureAggregationProtectedRound : IProtectedRound
{
    private readonly ProtectedRoundContext _context;
    private readonly SecureAggregationOptions? _options;
    private readonly MaskingGraph? _graph;
    private readonly IdentityRoster? _roster;
    private readonly SecureAggregationServer? _server;
    private readonly Dictionary<PartyId, int> _index = [];
    private readonly Dictionary<int, ShareDelivery> _deliveries = [];
    private readonly Dictionary<int, double> _weights = [];
    private readonly double? _weightCap;
    private readonly Lock _gate = new();

    public SecureAggregationProtectedRound(SecureAggregationProtection protection, ProtectedRoundContext context)
    {
        _context = context;
        _weightCap = protection.WeightCap;
        var selected = context.Selected;
        for (var i = 0; i < selected.Count; i++)
        {
            _index[selected[i]] = i;
        }

        var (options, parameters, problem) = protection.OptionsFor($"{context.Round.RunId}/round-{context.Round.Round}", selected.Count, context.Layout.TotalLength);
        if (options is null)
        {
            Problem = $"secure aggregation cannot run among the {selected.Count} selected parties: {problem}";
            return;
        }

        if (options.Authenticated && selected.Where(p => context.Certificates?.Invoke(p) is null).Select(p => (PartyId?)p).FirstOrDefault() is { } uncertified)
        {
            Problem = $"authenticated secure aggregation needs every selected party's client certificate; party {uncertified} joined without one (run parties with --cert and --key)";
            return;
        }

        _options = options;
        _graph = options.CreateGraph();
        _roster = options.Authenticated ? PartyCredential.CoordinatorRoster(selected, context.Certificates) : null;
        _server = new SecureAggregationServer(options, _graph, _roster);
        Parameters = parameters;
    }

    public string? Problem { get; private set; }

    /// <summary>The chosen degree and threshold with their failure bounds, when they were chosen from stated rates.</summary>
    public SecureAggregationParameters? Parameters { get; }

    public async Task<IReadOnlyList<PartyFailure>> PrepareAsync(IPartyChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (_server is null)
        {
            return [];
        }

        var options = _options!;
        var failures = new List<PartyFailure>();

        // Round 0: every selected party advertises two fresh public keys.
        var (keys, dropped) = await ExchangeAsync<SecureAggregationKeys>(
            channel,
            _context.Selected,
            p => SecureAggregationAdvertise.For(options, _graph!, _context.Selected, _index[p], _context.Certificates),
            cancellationToken).ConfigureAwait(false);
        failures.AddRange(dropped);
        var advertised = new List<PartyId>();
        foreach (var (party, reply) in keys)
        {
            if (Receive(party, reply.Keys.Party, () => _server.Receive(reply.Keys), failures))
            {
                advertised.Add(party);
            }
        }

        if (_server.CloseAdvertising() is not { } directory)
        {
            Problem = $"secure aggregation round 0: {_server.Error}";
            return failures;
        }

        // Round 1: each advertiser Shamir-shares its secrets, sealed per peer.
        var (bundles, unshared) = await ExchangeAsync<SecureAggregationShares>(
            channel, advertised, p => new SecureAggregationShareKeys(directory.For(_graph!, _index[p])), cancellationToken).ConfigureAwait(false);
        failures.AddRange(unshared);
        foreach (var (party, reply) in bundles)
        {
            Receive(party, reply.Bundle.Party, () => _server.Receive(reply.Bundle), failures);
        }

        if (_server.CloseSharing() is not { } deliveries)
        {
            Problem = $"secure aggregation round 1: {_server.Error}";
            return failures;
        }

        foreach (var delivery in deliveries)
        {
            _deliveries[delivery.To] = delivery;
        }

        return failures;
    }

    public ProtocolMessage InstructionFor(PartyId party)
    {
        Debug.Assert(_deliveries.ContainsKey(_index[party]), "Only parties that completed the share round are sent a train task.");
        return new SecureAggregationMask(_deliveries[_index[party]], _weightCap);
    }

    public string? Accept(ProtectedUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.Payload is not SecureAggregationMasked { Input: var input })
        {
            return $"a secure aggregation round expects a masked vector, got {update.Payload.Name}";
        }

        var index = _index[update.Party];
        if (input.Party != index)
        {
            return $"the masked vector claims to come from party index {input.Party}; the party's index is {index}";
        }

        if (input.Values.Length != _options!.Length)
        {
            return $"the masked vector has {input.Values.Length} elements; the model has {_options.Length}";
        }

        lock (_gate)
        {
            try
            {
                _server!.Receive(input);
                _weights[index] = UpdateWeight.Of(update.Examples, _weightCap);
                return null;
            }
            catch (SecureAggregationException e)
            {
                return e.Message;
            }
        }
    }

    public async Task<ParameterSet?> CompleteAsync(IPartyChannel channel, CancellationToken cancellationToken)
    {
        try
        {
            return await UnmaskAsync(channel, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _roster?.Dispose();
        }
    }

    private async Task<ParameterSet?> UnmaskAsync(IPartyChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (Problem is not null)
        {
            return null;
        }

        var server = _server!;
        if (server.CloseInputCollection() is not { } request)
        {
            Problem = $"secure aggregation round 2: {server.Error}";
            return null;
        }

        var graph = _graph!;
        var ignored = new List<PartyFailure>();
        var inSum = request.Survivors.ToHashSet();
        var survivors = _index.Where(p => inSum.Contains(p.Value)).Select(p => p.Key).ToList();
        if (_options!.Authenticated)
        {
            // The consistency round: each survivor signs its view of who survived; the signatures go out with the unmasking request.
            var (confirmations, _) = await ExchangeAsync<SecureAggregationConfirmed>(
                channel, survivors, p => new SecureAggregationConfirm(request.For(graph, _index[p])), cancellationToken).ConfigureAwait(false);
            foreach (var (party, reply) in confirmations)
            {
                Receive(party, reply.Signature.Party, () => server.Receive(reply.Signature), ignored);
            }

            if (server.CloseConsistencyCheck() is not { } signed)
            {
                Problem = $"secure aggregation consistency round: {server.Error}";
                return null;
            }

            request = signed;
            var signers = signed.Signatures!.Select(s => s.Party).ToHashSet();
            survivors = [.. survivors.Where(p => signers.Contains(_index[p]))];
        }

        // Unmasking: the survivors reveal b-shares of the survivors and c_sk-shares of the parties that dropped after sharing.
        var (responses, _) = await ExchangeAsync<SecureAggregationUnmasked>(
            channel, survivors, p => new SecureAggregationUnmask(request.For(graph, _index[p])), cancellationToken).ConfigureAwait(false);
        foreach (var (party, reply) in responses)
        {
            Receive(party, reply.Response.Party, () => server.Receive(reply.Response), ignored);
        }

        SecureAggregationResult result;
        try
        {
            result = server.Finish();
        }
        catch (SecureAggregationException e)
        {
            Problem = $"secure aggregation round 3: {e.Message}";
            return null;
        }

        if (result.Sum is not { } sum)
        {
            Problem = $"secure aggregation round 3: {result.Error}";
            return null;
        }

        var decoded = new double[sum.Length];
        _options!.Quantization.Dequantize(sum, decoded);
        return ProtectedMean.Of(_context.Layout, decoded, result.Included.Sum(i => _weights[i]));
    }

    private Task<(List<(PartyId Party, TReply Reply)> Replies, List<PartyFailure> Failures)> ExchangeAsync<TReply>(
        IPartyChannel channel, IEnumerable<PartyId> parties, Func<PartyId, ProtocolMessage> request, CancellationToken cancellationToken)
        where TReply : ProtocolMessage =>
        ProtocolExchange.RunAsync<TReply>(channel, _context.Round, parties, request, _context.StepDeadline, _context.Time, cancellationToken);

    // A message that breaks the protocol (forged shares, another party's index) drops its sender from the round as rejected.
    private bool Receive(PartyId party, int claimed, Action receive, List<PartyFailure> failures)
    {
        if (claimed != _index[party])
        {
            failures.Add(new PartyFailure(party, FailureKind.Rejected, $"the party's secure aggregation message claims index {claimed}; its index is {_index[party]}"));
            return false;
        }

        try
        {
            receive();
            return true;
        }
        catch (SecureAggregationException e)
        {
            failures.Add(new PartyFailure(party, FailureKind.Rejected, $"secure aggregation refused the party's message: {e.Message}"));
            return false;
        }
    }
}
