namespace Causeway.Core.Data;

/// <summary>
/// A schema file, table file or IDX file that does not match its declared format.
/// </summary>
/// <remarks>
/// The message always names the file; for table data it reads <c>file:line, column 'name': problem</c>, for records
/// (<see cref="TableReader.ReadRecords(IReadOnlyList{IReadOnlyDictionary{string, string}}, DataSchema, string)"/>)
/// <c>source: row n, column 'name': problem</c>, and for a schema <c>file: field: problem</c>. This is a fault in the input, not in the library: fix the file, do not retry.
/// </remarks>
public sealed class DataFormatException : FormatException
{
    public DataFormatException()
    {
    }

    public DataFormatException(string message)
        : base(message)
    {
    }

    public DataFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message built from its location.</summary>
    /// <param name="sourceName">The file (or stream name) being read.</param>
    /// <param name="line">The 1-based line number in the file, if the problem has one.</param>
    /// <param name="column">The data column or schema field at fault, if any.</param>
    /// <param name="problem">What is wrong, in a sentence.</param>
    /// <param name="innerException">The underlying parser error, if any.</param>
    public DataFormatException(string sourceName, int? line, string? column, string problem, Exception? innerException = null)
        : base(Describe(sourceName, line, column, problem), innerException)
    {
        SourceName = sourceName;
        Line = line;
        Column = column;
        Problem = problem;
    }

    private DataFormatException(string message, string sourceName, int? line, string? field, string problem, Exception? innerException)
        : base(message, innerException)
    {
        SourceName = sourceName;
        Line = line;
        Column = field;
        Problem = problem;
    }

    /// <summary>The file or stream name the error was found in.</summary>
    public string? SourceName { get; }

    /// <summary>The 1-based line number, when the error belongs to one line; for records, the 1-based row number.</summary>
    public int? Line { get; }

    /// <summary>The data column name, or the schema field path (such as <c>columns[2].categories</c>), at fault.</summary>
    public string? Column { get; }

    /// <summary>The problem without its location.</summary>
    public string? Problem { get; }

    /// <summary>An error in a schema or header field: <c>file: field 'path': problem</c>.</summary>
    internal static DataFormatException ForField(string sourceName, string field, string problem, Exception? innerException = null) =>
        new($"{sourceName}: field '{field}': {problem}", sourceName, null, field, problem, innerException);

    /// <summary>An error in one record of a key/value source: <c>source: row n, column 'name': problem</c>, with <see cref="Line"/> the row.</summary>
    internal static DataFormatException ForRecord(string sourceName, int row, string? column, string problem) =>
        new(
            column is null ? $"{sourceName}: row {row}: {problem}" : $"{sourceName}: row {row}, column '{column}': {problem}",
            sourceName, row, column, problem, null);

    private static string Describe(string sourceName, int? line, string? column, string problem)
    {
        var where = line is { } l ? $"{sourceName}:{l}" : sourceName;
        return column is null ? $"{where}: {problem}" : $"{where}, column '{column}': {problem}";
    }
}
