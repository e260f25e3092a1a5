using System.Globalization;
using System.Runtime.InteropServices;

namespace Causeway.Cli.Bench;

/// <summary>What Linux's /proc says about one process at one moment: its CPU time so far and its memory.</summary>
/// <param name="CpuSeconds">User + kernel CPU seconds of all its threads, living and exited (utime + stime of /proc/PID/stat).
/// The kernel counts them in clock ticks (usually 10 ms), so a difference of two samples is exact to about a tick.</param>
/// <param name="RssBytes">Resident set size (/proc/PID/smaps_rollup, <c>Rss</c>): every page it maps that is in RAM, shared ones included.</param>
/// <param name="PssBytes">Proportional set size (<c>Pss</c>): each shared page divided by the number of processes sharing it, so
/// the PSS of N processes adds up to the RAM they use together.</param>
internal readonly partial record struct ProcessSample(double CpuSeconds, long RssBytes, long PssBytes)
{
    private static readonly Lazy<double> TicksPerSecond = new(() => SysConf(ClockTicksName) is var ticks and > 0 ? ticks : 100);

    // sysconf's name for the clock-tick rate on Linux (bits/confname.h).
    private const int ClockTicksName = 2;

    /// <summary>Reads the process's CPU time and, when <paramref name="memory"/> is true, its RSS and PSS (a slower read).</summary>
    /// <exception cref="IOException">The process is gone, or this is not Linux.</exception>
    public static ProcessSample Read(int processId, bool memory = false)
    {
        var stat = File.ReadAllText($"/proc/{processId}/stat");

        // The command name (field 2) is in parentheses and may hold spaces; the fields after it start at field 3 (state).
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        var cpu = ticks / TicksPerSecond.Value;
        if (!memory)
        {
            return new ProcessSample(cpu, 0, 0);
        }

        long rss = 0, pss = 0;
        foreach (var line in File.ReadLines($"/proc/{processId}/smaps_rollup"))
        {
            if (line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("Pss:", StringComparison.Ordinal))
            {
                pss = Kilobytes(line);
            }
        }

        return new ProcessSample(cpu, rss, pss);
    }

    /// <summary>The summed CPU seconds of <paramref name="processIds"/> now.</summary>
    public static double TotalCpuSeconds(IEnumerable<int> processIds) => processIds.Sum(id => Read(id).CpuSeconds);

    private static long Kilobytes(string line) =>
        1024 * long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);
}
