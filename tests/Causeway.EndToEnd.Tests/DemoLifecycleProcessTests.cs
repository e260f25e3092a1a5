using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Causeway.EndToEnd.Tests.Infrastructure;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// <c>causeway demo</c> (and the vertical demo and network bench, which share its folder handling) as real processes:
/// they never delete what they did not make, never share a folder with a running demo, and leave no coordinator or
/// party running when they are stopped.
/// </summary>
public sealed partial class DemoLifecycleProcessTests : IDisposable
{
    private const int SigTerm = 15;

    private readonly string _root = Directory.CreateTempSubdirectory("causeway-demo-lifecycle-test-").FullName;

    [Theory]
    [InlineData("demo", "--dataset", "heart")]
    [InlineData("vertical", "demo", "--quick")]
    [InlineData("bench", "network", "--parties", "1", "--rows", "10")]
    public async Task WorkDir_HoldingTheUsersFiles_IsRefusedAndKeptAsItWas(params string[] command)
    {
        var folder = Path.Combine(_root, "my-project");
        Directory.CreateDirectory(folder);
        var notes = Path.Combine(folder, "notes.txt");
        await File.WriteAllTextAsync(notes, "keep me");

        var (exitCode, stdout, stderr) = await CliRunner.RunAsync(TimeSpan.FromMinutes(3), [.. command, "--work-dir", folder]);

        var output = $"exit code {exitCode}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}";
        Assert.True(exitCode == 2, output);
        Assert.Contains($"--work-dir {folder} holds files causeway did not put there; nothing was deleted", stderr, StringComparison.Ordinal);
        Assert.Equal([notes], Directory.GetFileSystemEntries(folder));
        Assert.Equal("keep me", await File.ReadAllTextAsync(notes));
    }

    [Fact]
    public async Task Demo_SecondDemoOnTheFolderOfARunningOne_IsRefusedAndTheFirstKeepsItsFiles()
    {
        var work = Path.Combine(_root, "work");
        using var first = await StartDemoAsync(work);
        var files = Directory.GetFileSystemEntries(work).Order(StringComparer.Ordinal).ToArray();

        var (exitCode, _, stderr) = await CliRunner.RunAsync(Infrastructure.TaskExtensions.DefaultTimeoutSpan, "demo", "--dataset", "heart", "--work-dir", work);

        Assert.True(exitCode != 0, stderr);
        Assert.Contains($"--work-dir {work} is in use by another causeway process", stderr, StringComparison.Ordinal);
        Assert.Equal(files, Directory.GetFileSystemEntries(work).Order(StringComparer.Ordinal));
        Assert.False(first.Process.HasExited, "the first demo stopped");
    }

    [Fact]
    public async Task Demo_Sigterm_StopsTheCoordinatorAndEveryParty()
    {
        using var demo = await StartDemoAsync(Path.Combine(_root, "work"));
        var children = ChildrenOf(demo.Process.Id);
        Assert.True(children.Count == 5, $"expected the coordinator and 4 parties, found {string.Join(", ", children.Select(Describe))}");

        Assert.Equal(0, Kill(demo.Process.Id, SigTerm));
        await demo.Process.WaitForExitAsync().DefaultTimeout();
        var running = await RunningAfterAsync(children, TimeSpan.FromSeconds(20));

        Assert.True(running.Count == 0, $"still running after the demo exited: {string.Join(", ", running.Select(Describe))}");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    // Starts a demo with far more rounds than the test waits for and returns once every party joined.
    private static async Task<RunningDemo> StartDemoAsync(string work)
    {
        var start = new ProcessStartInfo(CliRunner.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = CliRunner.RepositoryRoot(),
        };
        foreach (var argument in new[] { CliRunner.Assembly, "demo", "--dataset", "heart", "--rounds", "100000", "--work-dir", work })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NO_COLOR"] = "1";
        var process = Process.Start(start)!;
        var demo = new RunningDemo(process);
        var joined = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            demo.Output.Enqueue(e.Data ?? string.Empty);
            if (e.Data?.Contains("all parties joined", StringComparison.Ordinal) == true)
            {
                joined.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => demo.Output.Enqueue(e.Data ?? string.Empty);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(joined.Task, exited, Task.Delay(TimeSpan.FromMinutes(2))) != joined.Task)
        {
            demo.Dispose();
            Assert.Fail($"the demo did not get its parties joined:\n{string.Join('\n', demo.Output)}");
        }

        return demo;
    }

    // The processes whose parent is pid (from /proc/PID/stat: "pid (comm) state ppid ...").
    private static List<int> ChildrenOf(int pid)
    {
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var candidate) && Stat(candidate) is { } stat && stat.ParentId == pid)
            {
                children.Add(candidate);
            }
        }

        return children;
    }

    // Waits up to the deadline for the processes to end; returns those still running (a zombie has ended).
    private static async Task<List<int>> RunningAfterAsync(List<int> processes, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var running = processes.Where(p => Stat(p) is { State: not 'Z' and not 'X' }).ToList();
            if (running.Count == 0 || clock.Elapsed > deadline)
            {
                return running;
            }

            await Task.Delay(100);
        }
    }

    private static (char State, int ParentId)? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[1], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string Describe(int pid)
    {
        try
        {
            return $"{pid} ({File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim()})";
        }
        catch (IOException)
        {
            return $"{pid} (gone)";
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private sealed class RunningDemo(Process process) : IDisposable
    {
        public Process Process { get; } = process;

        public System.Collections.Concurrent.ConcurrentQueue<string> Output { get; } = new();

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(10_000);
            }

            Process.Dispose();
        }
    }
}
