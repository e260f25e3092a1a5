namespace Causeway.Core.Data;

/// <summary>Whether a table must carry the schema's label column, or may leave it out (data to predict on).</summary>
/// <remarks>
/// Only a named column can be left out: a file with a header may omit the label from the header, and records
/// (<see cref="TableReader.ReadRecords(IReadOnlyList{IReadOnlyDictionary{string, string}}, DataSchema, string)"/>) may
/// omit the label key. A file without a header is matched to the schema by position, so the label's field must
/// still be there; it is then read, and checked, like any label.
/// </remarks>
public enum LabelPresence
{
    /// <summary>The label column must be present; its absence is a <see cref="DataFormatException"/>. The default for training and evaluation.</summary>
    Required,

    /// <summary>
    /// The label column may be absent. When it is, <see cref="DataTable.HasLabels"/> is false and every label is NaN;
    /// when it is present it is read exactly as under <see cref="Required"/>.
    /// </summary>
    Optional,
}
