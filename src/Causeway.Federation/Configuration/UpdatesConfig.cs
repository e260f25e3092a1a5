using Causeway.Federation.Horizontal.Buffered;

namespace Causeway.Federation.Configuration;

/// <summary>
/// The <c>"updates"</c> section: synchronous rounds (the default) or asynchronous buffered aggregation, and periodic
/// participation. <c>{ "mode": "async", "bufferSize": 5, "maxStaleness": 10, "staleness": "polynomial",
/// "stalenessExponent": 0.5, "concurrency": 10, "minSecondsBetweenTasks": 0 }</c>. The asynchronous fields are null when
/// absent, so one given in sync mode is reported. See docs/async.md.
/// </summary>
public sealed record UpdatesConfig
{
    /// <summary>sync or async. Default sync.</summary>
    public UpdateMode Mode { get; init; } = UpdateMode.Sync;

    /// <summary>Async: K, accepted updates per server step (one step is one round), ≥ 1. Default 10.</summary>
    public int? BufferSize { get; init; }

    /// <summary>Async: the largest staleness accepted, in model versions, ≥ 0; older updates are refused as stale. Default 10.</summary>
    public int? MaxStaleness { get; init; }

    /// <summary>Async: constant or polynomial, s(τ) = (1 + τ)^−a. Default polynomial.</summary>
    public StalenessFunction? Staleness { get; init; }

    /// <summary>Async, polynomial: the exponent a ≥ 0. Default 0.5.</summary>
    public double? StalenessExponent { get; init; }

    /// <summary>Async: C, the parties training at once, ≥ bufferSize. Default: every eligible party.</summary>
    public int? Concurrency { get; init; }

    /// <summary>Both modes: the least seconds between the starts of two training tasks of one party (periodic participation), ≥ 0. Default 0 (no limit).</summary>
    public double MinSecondsBetweenTasks { get; init; }

    /// <summary>The asynchronous engine's settings; null in sync mode.</summary>
    public BufferedUpdates? ToBufferedUpdates()
    {
        if (Mode != UpdateMode.Async)
        {
            return null;
        }

        var defaults = new BufferedUpdates();
        return new BufferedUpdates
        {
            BufferSize = BufferSize ?? defaults.BufferSize,
            MaxStaleness = MaxStaleness ?? defaults.MaxStaleness,
            Staleness = Staleness ?? defaults.Staleness,
            StalenessExponent = StalenessExponent ?? defaults.StalenessExponent,
            Concurrency = Concurrency,
        };
    }

    /// <summary>Checks every value; one message per problem, each naming its field under <c>updates.</c>.</summary>
    /// <param name="parties">The parties the run has when known (simulations, or a network run at its start): the buffer must fit in them.</param>
    public IReadOnlyList<string> Validate(int? parties)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Mode))
        {
            errors.Add("updates.mode must be sync or async");
        }

        if (!(MinSecondsBetweenTasks >= 0 && double.IsFinite(MinSecondsBetweenTasks)))
        {
            errors.Add($"updates.minSecondsBetweenTasks must be a non-negative number of seconds, got {MinSecondsBetweenTasks}");
        }

        if (Mode != UpdateMode.Async)
        {
            foreach (var (name, given) in new[]
            {
                ("bufferSize", BufferSize is not null), ("maxStaleness", MaxStaleness is not null), ("staleness", Staleness is not null),
                ("stalenessExponent", StalenessExponent is not null), ("concurrency", Concurrency is not null),
            })
            {
                if (given)
                {
                    errors.Add($"updates.{name} is only valid with \"mode\": \"async\"");
                }
            }

            return errors;
        }

        if (StalenessExponent is not null && Staleness == StalenessFunction.Constant)
        {
            errors.Add("updates.stalenessExponent is only valid with \"staleness\": \"polynomial\"");
        }

        var buffered = ToBufferedUpdates()!;
        errors.AddRange(buffered.Validate());
        if (parties is { } n && buffered.BufferSize > n)
        {
            errors.Add($"updates.bufferSize ({buffered.BufferSize}) exceeds the run's {n} parties: a buffer takes at most one update per party, so it could never fill");
        }

        return errors;
    }
}
