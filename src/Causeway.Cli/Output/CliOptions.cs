using System.CommandLine;

namespace Causeway.Cli.Output;

/// <summary>Options shared by several commands, so each is spelled and described once.</summary>
internal static class CliOptions
{
    public static Option<FileInfo?> Report() => new("--report")
    {
        Description = "Write a machine-readable JSON summary to this file.",
        HelpName = "FILE",
    };

    public static Option<ulong> Seed(ulong defaultValue = 42) => new("--seed")
    {
        Description = "Seed for every random choice (partitioning, initialisation, sampling).",
        DefaultValueFactory = _ => defaultValue,
    };

    /// <summary>A coordinator's https:// address; anything else is a parse error naming the option.</summary>
    public static Option<Uri> CoordinatorAddress(string name, string description, Uri? defaultValue = null)
    {
        var option = new Option<Uri>(name)
        {
            Description = description,
            HelpName = "URL",
            Required = defaultValue is null,
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
                if (text is null && defaultValue is not null)
                {
                    return defaultValue;
                }

                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps)
                {
                    return uri;
                }

                result.AddError($"{name} must be the coordinator's https:// address, not '{text}'.");
                return null;
            },
        };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }

        return option;
    }

    /// <summary>One or more https:// addresses of a coordinator (the option repeated), in the order given.</summary>
    public static Option<Uri[]> CoordinatorAddresses(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "URL",
        Required = true,
        Arity = ArgumentArity.OneOrMore,
        CustomParser = result =>
        {
            var addresses = new List<Uri>();
            foreach (var token in result.Tokens)
            {
                if (Uri.TryCreate(token.Value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps)
                {
                    addresses.Add(uri);
                }
                else
                {
                    result.AddError($"{name} must be the coordinator's https:// address, not '{token.Value}'.");
                }
            }

            return [.. addresses];
        },
    };

    public static Option<bool> Json() => new("--json") { Description = "Print JSON instead of tables." };

    /// <summary>
    /// An address for an endpoint without authentication (a party's own recommendation or vector store API): a loopback
    /// address with a port, e.g. 127.0.0.1:8700; null when <paramref name="text"/> is not one.
    /// </summary>
    public static System.Net.IPEndPoint? LoopbackEndpoint(string? text) =>
        System.Net.IPEndPoint.TryParse(text ?? string.Empty, out var endpoint) && endpoint.Port != 0 && System.Net.IPAddress.IsLoopback(endpoint.Address) ? endpoint : null;
}
