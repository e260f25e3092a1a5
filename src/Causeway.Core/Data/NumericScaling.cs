namespace Causeway.Core.Data;

/// <summary>How a numeric column is scaled into its feature (<c>"scale"</c>).</summary>
public enum NumericScaling
{
    /// <summary><c>(x - mean) / std</c> with the federation's mean and standard deviation (<c>"standard"</c>). The default.</summary>
    Standard,

    /// <summary><c>(x - lo) / (hi - lo)</c> over the column's agreed <c>"range": [lo, hi]</c>, not clipped (<c>"minmax"</c>).</summary>
    MinMax,

    /// <summary>The raw value (<c>"none"</c>).</summary>
    None,
}
