namespace Causeway.Party;

/// <summary>How long a party waits before it tries again after a transient failure.</summary>
/// <remarks>
/// Exponential backoff with full jitter (M. Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015):
/// effectively computes delay = u · min(max, min · 2^(failures − 1)) with u uniform in [0, 1). Spreading each wait over
/// the whole interval keeps parties that lost the coordinator together (it restarted) from returning in lockstep.
/// </remarks>
internal static class Backoff
{
    // 2^16 · min already exceeds any sensible max; the cap keeps the power finite for long outages.
    private const int MaxDoublings = 16;

    /// <param name="failures">Consecutive failures so far, from 1.</param>
    /// <param name="min">The ceiling of the first wait (<see cref="PartyClientOptions.MinBackoff"/>).</param>
    /// <param name="max">The largest ceiling (<see cref="PartyClientOptions.MaxBackoff"/>).</param>
    /// <param name="uniform">A uniform sample in [0, 1): the jitter.</param>
    public static TimeSpan Delay(int failures, TimeSpan min, TimeSpan max, double uniform)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(uniform);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(uniform, 1.0);
        var exponential = min * Math.Pow(2, Math.Min(failures - 1, MaxDoublings));
        var ceiling = exponential < max ? exponential : max;
        return ceiling * uniform;
    }
}
