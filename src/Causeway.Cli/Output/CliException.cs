namespace Causeway.Cli.Output;

/// <summary>
/// An expected failure of a command (a missing file, a port in use, a refused token): printed as one line saying what
/// went wrong and, when there is one, a line saying what to do; never with a stack trace unless <c>--verbose</c>.
/// </summary>
internal sealed class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <param name="message">What went wrong, lower case, no full stop (it follows "VERB: ").</param>
    /// <param name="hint">What to do about it, naming the option or command that fixes it; null when there is nothing to say.</param>
    /// <param name="exitCode">The process's exit code: 1 for a failure, 2 for a usage error.</param>
    /// <param name="innerException">The cause, shown with <c>--verbose</c>.</param>
    public CliException(string message, string? hint, int exitCode = 1, Exception? innerException = null)
        : base(message, innerException)
    {
        Hint = hint;
        ExitCode = exitCode;
    }

    /// <summary>What to do about it, or null.</summary>
    public string? Hint { get; }

    /// <summary>The exit code: 1 for a failure, 2 for a usage error.</summary>
    public int ExitCode { get; } = 1;
}
