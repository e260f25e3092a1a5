namespace Causeway.Federation.Horizontal.Buffered;

/// <summary>
/// Asynchronous buffered aggregation (FedBuff): parties train whenever they are free, and the model steps once
/// <see cref="BufferSize"/> updates are buffered. Every default is stated on its property; see
/// <see cref="BufferedRoundEngine"/> for the rules and docs/async.md for the maths.
/// </summary>
public sealed record BufferedUpdates
{
    /// <summary>K: accepted updates per server step (one step is one round in reports and storage), ≥ 1. Default 10 (Nguyen et al. 2022).</summary>
    public int BufferSize { get; init; } = 10;

    /// <summary>
    /// The largest staleness accepted, in model versions (τ = version applied to − version trained on), ≥ 0; an older
    /// update is refused and recorded as a <see cref="FailureKind.Stale"/> failure. Default 10.
    /// </summary>
    public int MaxStaleness { get; init; } = 10;

    /// <summary>How an update's weight falls with its staleness. Default <see cref="StalenessFunction.Polynomial"/>.</summary>
    public StalenessFunction Staleness { get; init; } = StalenessFunction.Polynomial;

    /// <summary>The polynomial's exponent a in s(τ) = (1 + τ)^−a, ≥ 0. Default 0.5 (FedBuff's 1/√(1 + τ)).</summary>
    public double StalenessExponent { get; init; } = 0.5;

    /// <summary>C: how many parties train at once, ≥ 1; null keeps every eligible party busy. Default null.</summary>
    public int? Concurrency { get; init; }

    /// <summary>Checks every value; one message per problem, naming the field as a run configuration spells it (<c>updates.</c>).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (BufferSize < 1)
        {
            errors.Add($"updates.bufferSize must be at least 1, got {BufferSize}");
        }

        if (MaxStaleness < 0)
        {
            errors.Add($"updates.maxStaleness must be 0 or more (model versions), got {MaxStaleness}");
        }

        if (!Enum.IsDefined(Staleness))
        {
            errors.Add($"updates.staleness must be constant or polynomial, got {Staleness}");
        }

        if (!(StalenessExponent >= 0 && double.IsFinite(StalenessExponent)))
        {
            errors.Add($"updates.stalenessExponent must be a non-negative number, got {StalenessExponent}");
        }

        if (Concurrency is < 1)
        {
            errors.Add($"updates.concurrency must be at least 1, got {Concurrency}");
        }

        if (Concurrency is { } c && BufferSize > c)
        {
            errors.Add($"updates.bufferSize ({BufferSize}) exceeds updates.concurrency ({c}): a buffer takes at most one update per party, so it could never fill");
        }

        return errors;
    }
}
