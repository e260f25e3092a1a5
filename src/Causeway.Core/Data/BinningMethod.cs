namespace Causeway.Core.Data;

/// <summary>Where the edges of a binned numeric column lie (<c>"bins.method"</c>).</summary>
public enum BinningMethod
{
    /// <summary>Equal-width bins over the column's agreed <c>"range"</c> (<c>"equal-width"</c>). The default.</summary>
    EqualWidth,

    /// <summary>
    /// Edges at the federation-wide quantiles k/count, read from the merged fixed-bin histogram over the agreed
    /// <c>"range"</c> (<c>"quantile"</c>); see <see cref="Histogram.Quantile"/> for the error bound.
    /// </summary>
    Quantile,
}
