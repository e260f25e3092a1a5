namespace Causeway.EndToEnd.Tests.Storage;

/// <summary>Finds the PostgreSQL server binaries (initdb, pg_ctl), or says why the Postgres tests are skipped.</summary>
internal static class PostgresBinaries
{
    private static readonly Lazy<(string? Directory, string? SkipReason)> s_probe = new(Probe);

    /// <summary>The directory holding initdb and pg_ctl, or null when they are missing.</summary>
    public static string? Directory => s_probe.Value.Directory;

    /// <summary>Why the Postgres tests cannot run here, or null when they can.</summary>
    public static string? SkipReason => s_probe.Value.SkipReason;

    /// <summary>True when the tests run as root, so the server has to run as the postgres user.</summary>
    public static bool RunningAsRoot => Environment.UserName == "root";

    private static (string?, string?) Probe()
    {
        if (Environment.GetEnvironmentVariable("CAUSEWAY_SKIP_POSTGRES") is "1" or "true")
        {
            return (null, "CAUSEWAY_SKIP_POSTGRES is set; the PostgreSQL store tests are skipped.");
        }

        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("CAUSEWAY_PG_BIN") is { Length: > 0 } fromEnvironment)
        {
            candidates.Add(fromEnvironment);
        }

        if (System.IO.Directory.Exists("/usr/lib/postgresql"))
        {
            // Highest major version first.
            candidates.AddRange(System.IO.Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries));
        var directory = candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
        if (directory is null)
        {
            return (null, "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin, "
                + "$CAUSEWAY_PG_BIN or PATH; run scripts/install-postgres.sh to run the PostgreSQL store tests.");
        }

        if (RunningAsRoot && !File.ReadLines("/etc/passwd").Any(line => line.StartsWith("postgres:", StringComparison.Ordinal)))
        {
            return (null, "Running as root, PostgreSQL must run as the 'postgres' user, which does not exist; run scripts/install-postgres.sh.");
        }

        return (directory, null);
    }
}
