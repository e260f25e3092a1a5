namespace Causeway.Core.Data;

/// <summary>The feature pipeline of a numeric column: scaling, the agreed range, constant imputation, a missing indicator and binning.</summary>
/// <remarks>
/// The defaults (standard scaling, no range, no indicator, no bins) are the behaviour of a schema that declares none
/// of these fields.
/// </remarks>
public sealed record NumericOptions
{
    /// <summary>The options of a column that declares none.</summary>
    public static NumericOptions Default { get; } = new();

    public NumericScaling Scale { get; init; } = NumericScaling.Standard;

    /// <summary>The federation's agreed range [lo, hi] (<c>"range"</c>); required by min-max scaling and binning.</summary>
    public (double Lower, double Upper)? Range { get; init; }

    /// <summary>The value a missing cell takes under <see cref="MissingPolicy.ImputeConstant"/> (<c>"fill"</c>), in raw units.</summary>
    public double Fill { get; init; }

    /// <summary>Whether an extra 0/1 feature <c>column#missing</c> marks a missing cell (<c>"indicator": true</c>).</summary>
    public bool Indicator { get; init; }

    /// <summary>The binning, or null for one scaled feature.</summary>
    public BinSpec? Bins { get; init; }
}
