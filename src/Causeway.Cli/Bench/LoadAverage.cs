namespace Causeway.Cli.Bench;

/// <summary>
/// The system load average (1, 5, 15 minutes, from /proc/loadavg), recorded next to timings: on a shared 2-core
/// machine a load above 2 means other processes competed with the measurement.
/// </summary>
internal static class LoadAverage
{
    public static string? Read()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length >= 3 ? string.Join(' ', fields[..3]) : null;
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
