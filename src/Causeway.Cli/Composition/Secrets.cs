namespace Causeway.Cli.Composition;

/// <summary>Secrets from the environment, so they need not appear on a command line (visible in process lists).</summary>
internal static class Secrets
{
    public static IEnumerable<string> FromEnvironment(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? [value] : [];
}
