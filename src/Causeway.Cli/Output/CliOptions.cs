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
}
