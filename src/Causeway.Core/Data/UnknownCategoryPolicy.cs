namespace Causeway.Core.Data;

/// <summary>What to do with a categorical value that is not in the column's category list (<c>"unknown"</c>).</summary>
public enum UnknownCategoryPolicy
{
    /// <summary>Encode as an all-zero one-hot and count it in <see cref="DataTable.UnknownCategoryCounts"/> (<c>"zero"</c>). The default.</summary>
    Zero,

    /// <summary>An unknown category is an error (<c>"error"</c>).</summary>
    Error,
}
