namespace Causeway.Core.Data;

/// <summary>How a table file is laid out (the schema's <c>"format"</c> object). Defaults are those of a plain CSV file.</summary>
public sealed record TableFormat
{
    /// <summary>The field separator (<c>"delimiter"</c>), for example <c>","</c>, <c>"\t"</c> or <c>", "</c>. Default <c>","</c>.</summary>
    public string Delimiter { get; init; } = ",";

    /// <summary>Whether the first data line names the columns (<c>"header"</c>). Default true.</summary>
    /// <remarks>Without a header the schema's columns are taken in the order listed.</remarks>
    public bool Header { get; init; } = true;

    /// <summary>Whether leading and trailing white space is removed from every field (<c>"trimWhitespace"</c>). Default true.</summary>
    public bool TrimWhitespace { get; init; } = true;

    /// <summary>
    /// Whether RFC 4180 double quotes are honoured (<c>"quoted"</c>). Default: true, except for a tab delimiter,
    /// where a line is split on every tab and quotes are ordinary characters.
    /// </summary>
    public bool Quoted { get; init; } = true;

    /// <summary>Lines starting with any of these strings are skipped (<c>"skipLinesStartingWith"</c>), for example <c>"|"</c>.</summary>
    public IReadOnlyList<string> SkipLinesStartingWith { get; init; } = [];

    /// <summary>Field values (after trimming) that mean "missing" (<c>"missingValues"</c>). Default: the empty string.</summary>
    public IReadOnlyList<string> MissingValues { get; init; } = [string.Empty];
}
