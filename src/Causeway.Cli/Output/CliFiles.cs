namespace Causeway.Cli.Output;

/// <summary>Input files named on the command line: a missing one is one line naming the option and the path, and a hint.</summary>
internal static class CliFiles
{
    /// <summary>Where a model file comes from, for a <c>--model</c> or <c>--init</c> that is not there.</summary>
    public const string ModelHint = "a run's model is downloaded with `causeway run model --run ID --out FILE`";

    /// <summary>Returns <paramref name="file"/>, or throws "<paramref name="option"/>: no such file: PATH" when it does not exist.</summary>
    /// <param name="file">The file given.</param>
    /// <param name="option">The option or argument that named it (e.g. "--data"), or null to name the path alone.</param>
    /// <param name="hint">What to do, or null.</param>
    /// <param name="exitCode">The exit code; a missing file is an expected failure (<see cref="FailureReport.ExpectedFailure"/>).</param>
    public static FileInfo Existing(FileInfo file, string? option, string? hint = null, int exitCode = FailureReport.ExpectedFailure)
    {
        ArgumentNullException.ThrowIfNull(file);
        return file.Exists
            ? file
            : throw new CliException($"{(option is null ? string.Empty : option + ": ")}no such file: {file.FullName}", hint, exitCode);
    }
}
