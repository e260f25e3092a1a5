using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Output;

namespace Causeway.Cli.Bench;

/// <summary>The JSON report of a bench command: which bench, when, on what machine and under what load, then its results.</summary>
internal static class BenchReport
{
    /// <summary>A report of <paramref name="bench"/> whose results follow the common fields.</summary>
    /// <param name="bench">The bench's name (<c>causeway bench NAME</c>).</param>
    /// <param name="loadBefore">The load average when the bench started (<see cref="LoadAverage.Read"/>).</param>
    /// <param name="loadAfter">The load average when it ended.</param>
    /// <param name="results">The bench's own fields (moved into the report).</param>
    public static JsonObject Create(string bench, string? loadBefore, string? loadAfter, JsonObject results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var report = new JsonObject
        {
            ["bench"] = bench,
            ["date"] = DateTimeOffset.UtcNow.ToString("u", CultureInfo.InvariantCulture),
            ["machine"] = MachineInfo.Describe(),
            ["load_average_before"] = loadBefore,
            ["load_average_after"] = loadAfter,
        };
        foreach (var (key, value) in results.ToList())
        {
            results.Remove(key);
            report[key] = value;
        }

        return report;
    }
}
