using System.Globalization;

namespace Causeway.Federation.Recommendation.Simulation;

/// <summary>
/// The CPU time the calling thread has run, from Linux's /proc/thread-self/schedstat (its first field, nanoseconds on
/// the CPU): lets a simulation split the process's CPU into the parties' work and the coordinator's.
/// </summary>
/// <remarks>One small file read per call (some microseconds); null where the file does not exist (not Linux).</remarks>
public static class ThreadCpuClock
{
    private const string Path = "/proc/thread-self/schedstat";

    /// <summary>Nanoseconds the calling thread has spent on a CPU, or null when the kernel does not say.</summary>
    public static long? Now()
    {
        try
        {
            var text = File.ReadAllText(Path);
            var end = text.IndexOf(' ', StringComparison.Ordinal);
            return long.TryParse(end < 0 ? text : text[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var nanoseconds) ? nanoseconds : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
