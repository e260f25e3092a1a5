using System.Diagnostics;
using System.Runtime.InteropServices;
using Causeway.EndToEnd.Tests.Infrastructure;

namespace Causeway.EndToEnd.Tests;

/// <summary><c>causeway party</c> as a real process, stopped the way an operator or a service manager stops it.</summary>
public sealed partial class PartyProcessTests
{
    private const int SigTerm = 15;

    [Fact]
    public async Task Party_Sigterm_StopsItsLoopAndExitsCleanly()
    {
        // A coordinator that is not there: the party is in its backoff loop when the signal comes (its first "retrying"
        // line says it got there, past the point where the command's stop handling is in place).
        var start = new ProcessStartInfo(CliRunner.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { CliRunner.Assembly, "party", "--join", $"https://127.0.0.1:{ProcessHarness.FreePort()}", "--id", "hospital-a", "--token", "t", "--arbiter" })
        {
            start.ArgumentList.Add(argument);
        }

        using var party = Process.Start(start)!;
        var stdout = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var retrying = new TaskCompletionSource();
        party.OutputDataReceived += (_, e) =>
        {
            stdout.Enqueue(e.Data ?? string.Empty);
            if (e.Data?.Contains("retrying in", StringComparison.Ordinal) == true)
            {
                retrying.TrySetResult();
            }
        };
        party.ErrorDataReceived += (_, _) => { };
        party.BeginOutputReadLine();
        party.BeginErrorReadLine();
        try
        {
            await retrying.Task.DefaultTimeout();

            Assert.Equal(0, Kill(party.Id, SigTerm));
            await party.WaitForExitAsync().DefaultTimeout();
        }
        finally
        {
            if (!party.HasExited)
            {
                party.Kill(entireProcessTree: true);
            }
        }

        var output = string.Join('\n', stdout);
        Assert.True(party.ExitCode == 0, $"exit code {party.ExitCode}\n{output}");
        Assert.Contains("party 'hospital-a': stopped after 0 tasks", output, StringComparison.Ordinal);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
