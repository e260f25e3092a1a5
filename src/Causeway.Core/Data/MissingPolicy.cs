namespace Causeway.Core.Data;

/// <summary>What to do with a missing value (a cell equal to one of the format's <c>missingValues</c>).</summary>
/// <remarks>
/// For a label column only <see cref="DropRow"/> drops the row; every other policy rejects a missing label,
/// because a label cannot be imputed. An id column keeps the raw text of a missing value unless the policy rejects or
/// drops it. A text column's missing value, when kept, is an empty document (all-zero features).
/// </remarks>
public enum MissingPolicy
{
    /// <summary>A missing value is an error (<c>"reject"</c>). The default.</summary>
    Reject,

    /// <summary>The whole row is skipped and counted in <see cref="DataTable.DroppedRows"/> (<c>"drop-row"</c>).</summary>
    DropRow,

    /// <summary>
    /// Numeric: kept as NaN and encoded as the federation mean, 0 after standardising. Categorical: all-zero one-hot
    /// (<c>"impute-mean"</c>).
    /// </summary>
    ImputeMean,

    /// <summary>
    /// Numeric: replaced by 0 in raw units before statistics and standardising. Categorical: all-zero one-hot
    /// (<c>"impute-zero"</c>).
    /// </summary>
    ImputeZero,

    /// <summary>
    /// Numeric: replaced by the column's <c>"fill"</c> value in raw units before statistics and scaling. Categorical and
    /// text: all-zero features (<c>"impute-constant"</c>).
    /// </summary>
    ImputeConstant,
}
