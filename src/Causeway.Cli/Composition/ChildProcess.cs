using System.Diagnostics;

namespace Causeway.Cli.Composition;

/// <summary>Starts this CLI again as another process (a coordinator or a party), its output going to a log file.</summary>
/// <remarks>
/// A child never outlives this process: <see cref="Dispose"/> kills it; so does this process's exit however it comes
/// (the end of Main, Ctrl+C or SIGTERM once the command gave up waiting, an unhandled exception), through the runtime's
/// exit events; and when this process is killed outright (SIGKILL), the child sees its standard input close and stops
/// itself (<see cref="ParentWatch"/>).
/// </remarks>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ChildProcess(string name, Process process, StreamWriter log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    /// <summary>The operating system's id of the process.</summary>
    public int Id => _process.Id;

    /// <summary>Raised for every line the process writes (standard output or error), on a background thread, after it is logged.</summary>
    public event Action<string>? LineWritten;

    public string LogPath => ((FileStream)_log.BaseStream).Name;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once <see cref="HasExited"/> (128 + the signal number for a process killed by a signal).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>CPU time (user + kernel, all threads) the process has used so far.</summary>
    public TimeSpan ProcessorTime => Refreshed().TotalProcessorTime;

    /// <summary>The process's peak resident set so far, in bytes (on Linux VmHWM of /proc/PID/status).</summary>
    public long PeakWorkingSetBytes => Refreshed().PeakWorkingSet64;

    /// <summary>Starts <c>causeway ARGS</c>; secrets travel in <paramref name="environment"/>, never on the command line.</summary>
    /// <param name="name">What logs and errors call the process.</param>
    /// <param name="arguments">The command line after the executable.</param>
    /// <param name="environment">Variables to set (secrets go here).</param>
    /// <param name="logPath">Where its output is written.</param>
    /// <param name="networkNamespace">A network namespace to run it in (<c>ip netns exec</c>, which execs the CLI, so the process id is the CLI's), or null.</param>
    public static ChildProcess Start(
        string name, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string logPath, string? networkNamespace = null)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot locate the running executable.");

        // Running as "dotnet causeway.dll": start the same assembly the same way.
        var assembly = Path.GetFileNameWithoutExtension(self) == "dotnet" ? typeof(ChildProcess).Assembly.Location : null;
        return networkNamespace is null
            ? Start(self, assembly, name, arguments, environment, logPath)
            : Start("ip", null, name, ["netns", "exec", networkNamespace, self, .. assembly is null ? [] : new[] { assembly }, .. arguments], environment, logPath);
    }

    /// <summary>Starts <c><paramref name="program"/> [<paramref name="assembly"/>] ARGS</c> (a test starts the CLI as <c>dotnet causeway.dll</c>).</summary>
    public static ChildProcess Start(
        string program, string? assembly, string name, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (assembly is not null)
        {
            start.ArgumentList.Add(assembly);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment[ParentWatch.Variable] = "1";
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process, log);
        process.OutputDataReceived += (_, e) => child.Write(e.Data);
        process.ErrorDataReceived += (_, e) => child.Write(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += child.OnParentExit;
        AppDomain.CurrentDomain.UnhandledException += child.OnParentExit;
        return child;
    }

    /// <summary>Kills the process tree at once (SIGKILL: no graceful shutdown) and waits for it to exit.</summary>
    /// <param name="entireProcessTree">False kills only the process itself, without first looking for its children.</param>
    public async Task KillAsync(bool entireProcessTree = true)
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree);
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    /// <summary>The last lines of the log, for an error message.</summary>
    public string Tail(int lines = 15)
    {
        lock (_log)
        {
            if (_log.BaseStream.CanWrite)
            {
                _log.Flush();
            }
        }

        using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var all = reader.ReadToEnd().Split('\n');
        return string.Join('\n', all.TakeLast(lines));
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnParentExit;
        AppDomain.CurrentDomain.UnhandledException -= OnParentExit;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    // This process is going away without having disposed the child (a signal, a crash): kill it, do not wait.
    private void OnParentExit(object? sender, EventArgs e)
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception failure) when (failure is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }
    }

    private Process Refreshed()
    {
        _process.Refresh();
        return _process;
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (_log.BaseStream.CanWrite)
            {
                _log.WriteLine(line);
            }
        }

        LineWritten?.Invoke(line);
    }
}
