using System.CommandLine;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text.Json;
using Causeway.Federation.Vertical.Data;
using Causeway.Federation.Vertical.Training;

namespace Causeway.Cli.Output;

/// <summary>
/// Prints what made a command fail: "VERB: what went wrong" and, when there is one, an indented line saying what to do.
/// Expected failures (bad input, unreachable or refusing coordinators, files that are missing or in use) never print a
/// stack trace; <c>--verbose</c> adds the exception with its causes. Anything else is a bug and prints its stack trace.
/// </summary>
internal static class FailureReport
{
    /// <summary>Writes the failure to <paramref name="error"/> and returns the process's exit code.</summary>
    /// <param name="verb">The command that failed, e.g. "run start".</param>
    /// <param name="exception">What it threw.</param>
    /// <param name="verbose">Whether <c>--verbose</c> was given: then the exception follows, stack trace included.</param>
    /// <param name="error">Standard error.</param>
    public static int Write(string verb, Exception exception, bool verbose, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(error);
        var (message, hint, exitCode) = Describe(exception);
        if (message is null)
        {
            error.WriteLine($"{verb}: unexpected error: {exception.GetType().Name}: {exception.Message}");
            error.WriteLine("  this is a bug; please report it with the stack trace below");
            error.WriteLine(exception);
            return Bug;
        }

        error.WriteLine($"{verb}: {message}");
        if (hint is not null)
        {
            error.WriteLine($"  {hint}");
        }

        if (verbose)
        {
            error.WriteLine(exception);
        }

        return exitCode;
    }

    /// <summary>The command's path below the root, e.g. "run start" (the root alone is "causeway").</summary>
    public static string VerbOf(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var names = new List<string>();
        for (var result = parse.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
        {
            names.Add(result.Command.Name);
        }

        names.Reverse();
        return names.Count == 0 ? "causeway" : string.Join(' ', names);
    }

    /// <summary>
    /// The exit code of an expected failure: the message says what went wrong and the hint what to do (bad input, a refused
    /// token, an unreachable coordinator, a missing file, a port in use).
    /// </summary>
    public const int ExpectedFailure = 2;

    /// <summary>The exit code of anything else: a bug, reported with its stack trace.</summary>
    public const int Bug = 1;

    // (message, hint, exit code) of an expected failure; a null message for anything else (a bug).
    private static (string? Message, string? Hint, int ExitCode) Describe(Exception exception) => exception switch
    {
        CliException e => (e.Message, e.Hint, e.ExitCode),
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } e =>
            (e.Message, "is the coordinator running at that address? (--coordinator URL; default https://127.0.0.1:7443)", ExpectedFailure),
        HttpRequestException { StatusCode: HttpStatusCode.Unauthorized } e =>
            (e.Message, "give the admin token the coordinator was started with (--admin-token or CAUSEWAY_ADMIN_TOKEN)", ExpectedFailure),
        HttpRequestException e => (e.Message, null, ExpectedFailure),
        AuthenticationException e => (e.Message, "give the federation's CA certificate with --ca FILE (ca.crt.pem from the coordinator's operator)", ExpectedFailure),
        TimeoutException e => (e.Message, null, ExpectedFailure),
        FileNotFoundException e => ($"no such file: {e.FileName ?? e.Message}", null, ExpectedFailure),
        DirectoryNotFoundException e => (e.Message, null, ExpectedFailure),
        UnauthorizedAccessException e => (e.Message, null, ExpectedFailure),
        IOException e => (e.Message, null, ExpectedFailure),
        InvalidDataException e => (e.Message, null, ExpectedFailure),
        CryptographicException e => ($"cannot read a certificate or key: {e.Message}", null, ExpectedFailure),
        FormatException e => (e.Message, null, ExpectedFailure),
        JsonException e => (e.Message, null, ExpectedFailure),
        VerticalConfigException e => (e.Message, null, ExpectedFailure),
        VerticalDataException e => (e.Message, null, ExpectedFailure),
        ArgumentException e => (e.Message, null, ExpectedFailure),
        _ => (null, null, Bug),
    };
}
