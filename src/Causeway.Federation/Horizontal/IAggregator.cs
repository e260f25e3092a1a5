using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal;

/// <summary>
/// Folds the round's party updates into one aggregated delta. A new <see cref="IAggregation"/> is begun
/// for every round, so aggregators hold no state between rounds.
/// </summary>
public interface IAggregator
{
    /// <summary>Starts aggregating one round's updates into <paramref name="destination"/>.</summary>
    /// <param name="destination">
    /// The caller's buffer, with the model's layout, that receives the aggregated delta; its contents on entry are
    /// ignored. The aggregation writes it only inside its own <see cref="IAggregation.Accept"/> and
    /// <see cref="IAggregation.Complete"/> calls and never after Complete, so the caller may begin every round into
    /// the same buffer, as the round engine does (docs/adr/0010-reused-aggregation-buffers.md).
    /// </param>
    /// <param name="round">The round being aggregated.</param>
    IAggregation Begin(ParameterSet destination, RoundInfo round);

    /// <summary>
    /// Why an update's <paramref name="delta"/> cannot be folded into an aggregate of the <paramref name="global"/>
    /// layout, or null when it can. The round engine rejects such an update before it checks its values. Default: the
    /// delta must have the global layout. An aggregator that folds another shape (the row-sparse item updates of
    /// <c>Recommendation.ItemAggregator</c>) checks that shape here, values included.
    /// </summary>
    string? DescribeMisfit(ParameterLayout global, ParameterSet delta) =>
        global.DescribeMismatch(delta.Layout) is { } mismatch ? $"layout mismatch: {mismatch}" : null;

    /// <summary>
    /// Multiplies an accepted update's contribution by <paramref name="factor"/> in place (the asynchronous engine's
    /// staleness weight, <c>Buffered.StalenessWeight</c>): <c>Δ ← factor·Δ</c>. Default: every value of the delta. An
    /// aggregator whose updates carry more than values (the row indices of a sparse item update) scales the values only.
    /// </summary>
    void Scale(ParameterSet delta, float factor)
    {
        ArgumentNullException.ThrowIfNull(delta);
        System.Numerics.Tensors.TensorPrimitives.Multiply(delta.Values, factor, delta.Values);
    }

    /// <summary>
    /// The layout of the vector each party masks or encrypts in a protected round (secure aggregation, Paillier).
    /// Default: the global layout. An aggregator whose aggregate is not the plain mean adds what it needs to compute
    /// it from sums (<c>Recommendation.ItemAggregator</c>'s per-item counts).
    /// </summary>
    ParameterLayout ProtectedLayout(ParameterLayout global) => global;

    /// <summary>
    /// Turns a protected round's result — the mean Σ w_k u_k / Σ w_k of the <paramref name="updates"/> accepted
    /// protected vectors, in <see cref="ProtectedLayout"/> — into the aggregate in the <paramref name="global"/> layout
    /// the server optimizer steps with. It may reuse <paramref name="mean"/>. Default: the mean itself.
    /// </summary>
    ParameterSet CompleteProtected(ParameterSet mean, int updates, ParameterLayout global) => mean;
}

/// <summary>
/// The aggregation of one round. Updates are accepted one at a time as they arrive (streaming), so a
/// mean-style aggregation holds one accumulator (the caller's destination), never all N updates.
/// </summary>
/// <remarks>
/// <para>
/// A rule that needs every update at once (median, trimmed mean, Krum; see <c>Horizontal.Robust</c>) keeps the
/// accepted deltas until <see cref="Complete"/>: N × model floats on top of the destination.
/// </para>
/// <para>Not thread-safe: the round engine calls <see cref="Accept"/> from one thread at a time.</para>
/// </remarks>
public interface IAggregation
{
    /// <summary>The number of updates accepted so far.</summary>
    int Count { get; }

    /// <summary>Folds in one update whose layout and values have already been validated.</summary>
    void Accept(PartyUpdate update);

    /// <summary>
    /// Why the accepted updates cannot be aggregated (a rule such as Krum needs more than it got), or null when
    /// <see cref="Complete"/> may be called. The round engine fails the round with this reason instead of calling
    /// <see cref="Complete"/>. Default: null (a mean can aggregate any non-zero number of updates).
    /// </summary>
    string? Problem => null;

    /// <summary>
    /// Writes the aggregated delta into the destination given to <see cref="IAggregator.Begin"/> and returns that
    /// same set, which stays the caller's. Call once, after at least one update was accepted.
    /// </summary>
    ParameterSet Complete();
}
