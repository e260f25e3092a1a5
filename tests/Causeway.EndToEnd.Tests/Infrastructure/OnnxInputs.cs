using System.Globalization;
using Causeway.Core.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Causeway.EndToEnd.Tests.Infrastructure;

/// <summary>Raw CSV rows as an exported model's inputs: one [N, 1] tensor per schema column, as a serving stack feeds it.</summary>
internal static class OnnxInputs
{
    /// <summary>Floats for numeric columns ("?" or blank → NaN), trimmed strings for categorical ones; only the columns <paramref name="include"/> keeps.</summary>
    public static List<NamedOnnxValue> Of(DataSchema schema, string[] header, IReadOnlyList<string[]> rows, Func<ColumnSchema, bool>? include = null) =>
        [.. schema.Columns.Where(c => c.Type is ColumnType.Numeric or ColumnType.Categorical && (include?.Invoke(c) ?? true)).Select(column =>
        {
            var at = Array.IndexOf(header, column.Name);
            return column.Type == ColumnType.Numeric
                ? NamedOnnxValue.CreateFromTensor(column.Name, new DenseTensor<float>(rows.Select(r => Number(r[at])).ToArray(), [rows.Count, 1]))
                : NamedOnnxValue.CreateFromTensor(column.Name, new DenseTensor<string>(rows.Select(r => r[at].Trim()).ToArray(), [rows.Count, 1]));
        })];

    private static float Number(string cell) =>
        cell.Trim() is "?" or "" ? float.NaN : float.Parse(cell, CultureInfo.InvariantCulture);
}
