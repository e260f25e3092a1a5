namespace Causeway.Federation.Configuration;

/// <summary>A run configuration file that is not valid JSON of the expected shape.</summary>
/// <remarks>The message names the file and, when known, the field: <c>file: field: problem</c>. Fix the file; do not retry.</remarks>
public sealed class RunConfigException : FormatException
{
    public RunConfigException()
    {
    }

    public RunConfigException(string message)
        : base(message)
    {
    }

    public RunConfigException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message <c>file[:line]: [field: ]problem</c>.</summary>
    public RunConfigException(string sourceName, int? line, string? field, string problem, Exception? innerException = null)
        : base(Describe(sourceName, line, field, problem), innerException)
    {
        SourceName = sourceName;
        Line = line;
        Field = field;
        Problem = problem;
    }

    /// <summary>The file (or stream name) the configuration came from.</summary>
    public string? SourceName { get; }

    /// <summary>The 1-based line of the problem, when known.</summary>
    public int? Line { get; }

    /// <summary>The JSON path of the field at fault, such as <c>strategy.mu</c>, when known.</summary>
    public string? Field { get; }

    /// <summary>The problem without its location.</summary>
    public string? Problem { get; }

    private static string Describe(string sourceName, int? line, string? field, string problem)
    {
        var where = line is { } l ? $"{sourceName}:{l}" : sourceName;
        return field is null ? $"{where}: {problem}" : $"{where}: {field}: {problem}";
    }
}
