namespace Causeway.Core.Data;

/// <summary>
/// Binning of a numeric column (<c>"bins": {"count": 5, "method": "quantile", "resolution": 1000}</c>): the column
/// becomes <see cref="Count"/> one-hot features, one per bin, instead of one scaled value; a missing value is all zero.
/// </summary>
/// <param name="Count">The number of bins (2 to 1000).</param>
/// <param name="Method">Equal-width or quantile edges.</param>
/// <param name="Resolution">
/// Quantile only: the number of fixed histogram bins over the agreed range from which the quantiles are read (default
/// 1000); a quantile edge is within (hi - lo) / resolution of the exact pooled quantile.
/// </param>
public sealed record BinSpec(int Count, BinningMethod Method, int Resolution);
