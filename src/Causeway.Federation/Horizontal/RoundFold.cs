using System.Diagnostics;
using Causeway.Federation.Horizontal.Protection;

namespace Causeway.Federation.Horizontal;

/// <summary>
/// One round's collection point: replies are validated by their callers and then folded here under a lock, in
/// arrival or selection order. Holds no update longer than the fold order requires.
/// </summary>
internal sealed class RoundFold
{
    private readonly Lock _gate = new();
    private readonly IAggregation? _aggregation;
    private readonly PartyFailure?[] _failures;
    private readonly List<PartyContribution> _contributions = [];
    private readonly List<(PartyId Party, int Examples)> _received = [];

    // Selection order only: parked valid updates and which slots have resolved.
    private readonly PartyUpdate?[]? _parked;
    private readonly bool[]? _resolved;
    private int _next;
    private int _parkedNow;
    private double _lossWeight;
    private double _lossSum;

    /// <param name="aggregation">Receives the plain updates; null in a protected round, which folds its own sum.</param>
    /// <param name="order">Arrival or selection order.</param>
    /// <param name="selected">The number of parties selected this round.</param>
    public RoundFold(IAggregation? aggregation, FoldOrder order, int selected)
    {
        _aggregation = aggregation;
        _failures = new PartyFailure?[selected];
        if (order == FoldOrder.Selection)
        {
            _parked = new PartyUpdate?[selected];
            _resolved = new bool[selected];
        }
    }

    public long Bytes { get; private set; }

    public int Accepted { get; private set; }

    /// <summary>The largest number of updates parked at once waiting for their turn (selection order).</summary>
    public int MaxParked { get; private set; }

    public double? TrainLoss => _lossWeight > 0 ? _lossSum / _lossWeight : null;

    /// <summary>The largest <see cref="PartyUpdate.TrainSeconds"/> among the folded updates; null before the first.</summary>
    public double? SlowestTrainSeconds { get; private set; }

    /// <summary>The accepted updates in the order they were folded.</summary>
    public IReadOnlyList<PartyContribution> Contributions => [.. _contributions];

    /// <summary>Failures in selection order.</summary>
    public IReadOnlyList<PartyFailure> Failures => [.. _failures.OfType<PartyFailure>()];

    /// <summary>Every update received (valid or not) with the examples it claims, in arrival order.</summary>
    public IReadOnlyList<(PartyId Party, int Examples)> ReceivedUpdates
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public void Received(PartyId party, PartyUpdate update)
    {
        lock (_gate)
        {
            Bytes += (long)update.Delta.Length * sizeof(float);
            _received.Add((party, update.Examples));
        }
    }

    public void ReceivedProtected(PartyId party, ProtectedUpdate update)
    {
        lock (_gate)
        {
            Bytes += update.Payload.PayloadBytes;
            _received.Add((party, update.Examples));
        }
    }

    /// <summary>Counts a protected update the protected round has already folded into its sum (in any order: ring and ciphertext sums are exact).</summary>
    public void AcceptProtected(int index, ProtectedUpdate update)
    {
        lock (_gate)
        {
            Accepted++;
            Record(update.Party, update.Examples, update.TrainLoss, update.TrainSeconds, update.Payload.PayloadBytes);
            if (_resolved is not null)
            {
                Debug.Assert(!_resolved[index], "Each selected party resolves once.");
                _resolved[index] = true;
                Drain();
            }
        }
    }

    public void Accept(int index, PartyUpdate update)
    {
        lock (_gate)
        {
            if (_parked is null)
            {
                Fold(update);
                return;
            }

            Debug.Assert(!_resolved![index], "Each selected party resolves once.");
            _parked[index] = update;
            _resolved[index] = true;
            _parkedNow++;
            MaxParked = Math.Max(MaxParked, _parkedNow);
            Drain();
        }
    }

    public void Fail(int index, PartyFailure failure)
    {
        lock (_gate)
        {
            _failures[index] = failure;
            if (_resolved is not null)
            {
                _resolved[index] = true;
                Drain();
            }
        }
    }

    private void Drain()
    {
        while (_next < _resolved!.Length && _resolved[_next])
        {
            if (_parked![_next] is { } update)
            {
                _parked[_next] = null;
                _parkedNow--;
                Fold(update);
            }

            _next++;
        }
    }

    private void Fold(PartyUpdate update)
    {
        Debug.Assert(_aggregation is not null, "Only plain rounds fold plain updates; protected replies go to AcceptProtected.");
        _aggregation.Accept(update);
        Accepted++;
        Record(update.Party, update.Examples, update.TrainLoss, update.TrainSeconds, (long)update.Delta.Values.Length * sizeof(float));
    }

    private void Record(PartyId party, int examples, double trainLoss, double trainSeconds, long bytes)
    {
        _contributions.Add(new PartyContribution(party, examples, trainLoss, trainSeconds, bytes));
        if (double.IsFinite(trainSeconds))
        {
            SlowestTrainSeconds = Math.Max(SlowestTrainSeconds ?? 0, trainSeconds);
        }

        if (double.IsFinite(trainLoss))
        {
            _lossSum += trainLoss * examples;
            _lossWeight += examples;
        }
    }
}
