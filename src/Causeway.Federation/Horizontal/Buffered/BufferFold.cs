using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal.Buffered;

/// <summary>
/// One buffer's collection point in <see cref="BufferedRoundEngine"/>: the updates resolved since the last server step,
/// folded into the aggregation as they are accepted. Used from the engine's loop only.
/// </summary>
internal sealed class BufferFold(IAggregation aggregation)
{
    private readonly List<PartyFailure> _failures = [];
    private readonly List<PartyContribution> _contributions = [];
    private readonly List<UpdateVersion> _versions = [];
    private readonly HashSet<PartyId> _resolved = [];
    private double _lossSum;
    private double _lossWeight;

    public IAggregation Aggregation => aggregation;

    public int Accepted => _contributions.Count;

    /// <summary>Updates resolved in this buffer: accepted or failed.</summary>
    public int Resolved => _contributions.Count + _failures.Count;

    public IReadOnlyList<PartyFailure> Failures => _failures;

    public IReadOnlyList<PartyContribution> Contributions => _contributions;

    public IReadOnlyList<UpdateVersion> Versions => _versions;

    public long Bytes { get; private set; }

    public double? SlowestTrainSeconds { get; private set; }

    /// <summary>The example-weighted mean training loss of the accepted updates; null when none reported a finite one.</summary>
    public double? TrainLoss => _lossWeight > 0 ? _lossSum / _lossWeight : null;

    /// <summary>Non-finite updates since the last accepted one (the divergence rule's count).</summary>
    public int NonFiniteInARow { get; private set; }

    /// <summary>True when the party's update (or failure) is already in this buffer: a buffer takes one per party.</summary>
    public bool HasResolved(PartyId party) => _resolved.Contains(party);

    public void Received(ParameterSet delta) => Bytes += (long)delta.Length * sizeof(float);

    public void Fail(PartyFailure failure, UpdateVersion? version = null)
    {
        _resolved.Add(failure.Party);
        _failures.Add(failure);
        if (version is not null)
        {
            _versions.Add(version);
        }

        NonFiniteInARow = failure.Kind == FailureKind.NonFinite ? NonFiniteInARow + 1 : NonFiniteInARow;
    }

    /// <summary>Folds in an update whose delta is already scaled by its staleness weight.</summary>
    public void Accept(PartyUpdate update, UpdateVersion version)
    {
        _resolved.Add(update.Party);
        aggregation.Accept(update);
        _versions.Add(version);
        _contributions.Add(new PartyContribution(update.Party, update.Examples, update.TrainLoss, update.TrainSeconds, (long)update.Delta.Length * sizeof(float)));
        NonFiniteInARow = 0;
        if (double.IsFinite(update.TrainSeconds))
        {
            SlowestTrainSeconds = Math.Max(SlowestTrainSeconds ?? 0, update.TrainSeconds);
        }

        if (double.IsFinite(update.TrainLoss))
        {
            _lossSum += update.TrainLoss * update.Examples;
            _lossWeight += update.Examples;
        }
    }
}
