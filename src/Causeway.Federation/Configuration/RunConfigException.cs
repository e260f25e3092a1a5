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

    public RunConfigException(string sourceName, string? field, string problem, Exception? innerException = null)
        : base(field is null ? $"{sourceName}: {problem}" : $"{sourceName}: {field}: {problem}", innerException)
    {
        SourceName = sourceName;
        Field = field;
    }

    /// <summary>The file (or stream name) the configuration came from.</summary>
    public string? SourceName { get; }

    /// <summary>The JSON path of the field at fault, such as <c>strategy.mu</c>, when known.</summary>
    public string? Field { get; }
}
