using System.Diagnostics;
using System.Runtime.CompilerServices;
using Causeway.Cli.Composition;

namespace Causeway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real CLI as a process: <c>dotnet causeway.dll VERB ...</c>, built next to this test assembly because the test
/// project references the CLI. Long-lived processes (coordinators, parties) use the CLI's own <see cref="ChildProcess"/>.
/// </summary>
internal static class CliRunner
{
    /// <summary>The CLI assembly next to the test assembly.</summary>
    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "causeway.dll");

    /// <summary>The dotnet host running these tests (or the one on PATH).</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : "dotnet";

    /// <summary>Starts <c>causeway ARGS</c> in the background, its output going to <paramref name="logPath"/>.</summary>
    public static ChildProcess Start(string name, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string logPath) =>
        ChildProcess.Start(DotnetHost, Assembly, name, arguments, environment, logPath);

    /// <summary>
    /// Runs <c>causeway ARGS</c> to completion from the clone's root (where the demo finds samples/ when the build output
    /// lives elsewhere). On timeout the whole process tree is killed and the test fails with both outputs.
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot(),
        };
        start.ArgumentList.Add(Assembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"causeway {string.Join(' ', arguments)} did not finish within {timeout}\n--- stdout ---\n{await stdout}\n--- stderr ---\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// The clone's root (the folder holding Causeway.slnx): above the test assembly, or, when the build output lives
    /// elsewhere (--artifacts-path), above the working directory or this source file.
    /// </summary>
    public static string RepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        string?[] starts = [AppContext.BaseDirectory, Directory.GetCurrentDirectory(), Path.GetDirectoryName(sourceFile)];
        foreach (var begin in starts.OfType<string>().Where(s => s.Length > 0))
        {
            for (var directory = new DirectoryInfo(begin); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Causeway.slnx")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException($"No Causeway.slnx above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}.");
    }
}
