using System.Diagnostics;

namespace Causeway.EndToEnd.Tests.Storage;

/// <summary>Starts a real child process running <see cref="CrashChild"/> and SIGKILLs it mid-transaction.</summary>
internal static class CrashChildProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Returns once the child wrote round 4 without committing it and was killed.</summary>
    public static Task RunUntilKilledAsync(string provider, string target) =>
        RunUntilKilledAsync(provider, target, lease: false, whileAlive: null);

    /// <summary>
    /// Returns once the child took the store's coordinator lease, <paramref name="whileAlive"/> ran (with the child's
    /// process id) and the child was killed.
    /// </summary>
    public static Task KillLeaseHolderAsync(string provider, string target, Func<int, Task> whileAlive) =>
        RunUntilKilledAsync(provider, target, lease: true, whileAlive);

    private static async Task RunUntilKilledAsync(string provider, string target, bool lease, Func<int, Task>? whileAlive)
    {
        // The child is this test assembly itself (it has a runtimeconfig); the startup hook runs before its Main.
        var assembly = typeof(CrashChild).Assembly.Location;
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(assembly);
        start.Environment["DOTNET_STARTUP_HOOKS"] = assembly;
        start.Environment[CrashChild.ProviderVariable] = provider;
        start.Environment[CrashChild.TargetVariable] = target;
        if (lease)
        {
            start.Environment[CrashChild.ModeVariable] = "lease";
        }

        var marker = lease ? CrashChild.LeaseMarker : CrashChild.ReadyMarker;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the crash child.");
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync(timeout.Token)) is not null && line != marker)
            {
            }

            if (line is null)
            {
                await process.WaitForExitAsync(timeout.Token);
                Assert.Fail($"The crash child exited with {process.ExitCode} before it printed '{marker}':\n{await errors}");
            }

            if (whileAlive is not null)
            {
                await whileAlive(process.Id);
                if (process.HasExited)
                {
                    Assert.Fail($"The crash child exited on its own with {process.ExitCode}:\n{await errors}");
                }
            }

            process.Kill(); // SIGKILL: no finally blocks, no disposal, no rollback by the client.
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(128 + 9, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : "dotnet";
}
