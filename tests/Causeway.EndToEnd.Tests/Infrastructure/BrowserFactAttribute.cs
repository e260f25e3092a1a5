namespace Causeway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A test that drives a real Chromium through Playwright. Skipped, saying why, where no Chromium is installed, like
/// the PostgreSQL tests without a server: <c>scripts/install-chromium.sh</c> installs Debian's (CI runs it).
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Chromium.Path is null)
        {
            Skip = "Chromium was not found ($CAUSEWAY_CHROMIUM, /usr/bin/chromium or 'chromium' on PATH); run scripts/install-chromium.sh to run the dashboard's browser tests.";
        }
    }
}

/// <summary>Where the browser tests find Chromium.</summary>
public static class Chromium
{
    private static readonly Lazy<string?> s_path = new(() =>
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("CAUSEWAY_CHROMIUM") is { Length: > 0 } fromEnvironment)
        {
            candidates.Add(fromEnvironment);
        }

        candidates.Add("/usr/bin/chromium");
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => System.IO.Path.Combine(directory, "chromium")));
        return candidates.FirstOrDefault(File.Exists);
    });

    /// <summary>The Chromium executable, or null.</summary>
    public static string? Path => s_path.Value;
}
