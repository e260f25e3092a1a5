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
    /// <param name="exitCode">
    /// The process's exit code: 2 (the default) for an expected failure the message explains and the user can fix (bad
    /// input, a refused token, an unreachable coordinator, a port in use); 1 when the command's work itself failed.
    /// </param>
    /// <param name="innerException">The cause, shown with <c>--verbose</c>.</param>
    public CliException(string message, string? hint, int exitCode = 2, Exception? innerException = null)
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
