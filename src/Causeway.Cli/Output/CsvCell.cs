namespace Causeway.Cli.Output;

/// <summary>A value as one CSV cell (RFC 4180), as Causeway's own table reader reads it back.</summary>
internal static class CsvCell
{
    /// <summary><paramref name="value"/>, or quoted with its quotes doubled when it holds a comma, a quote or a line break.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }
}
