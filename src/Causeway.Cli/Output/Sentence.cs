namespace Causeway.Cli.Output;

/// <summary>Fits exception messages (sentences) into the CLI's "VERB: what went wrong" lines.</summary>
internal static class Sentence
{
    /// <summary>"The coordinator ... trusted." becomes "the coordinator ... trusted": lower-case start, no full stop.</summary>
    public static string Fragment(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var trimmed = message.Trim().TrimEnd('.');
        return trimmed.Length > 1 && char.IsUpper(trimmed[0]) && !char.IsUpper(trimmed[1])
            ? char.ToLowerInvariant(trimmed[0]) + trimmed[1..]
            : trimmed;
    }
}
