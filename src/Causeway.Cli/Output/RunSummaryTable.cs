using System.Globalization;
using Causeway.Federation.Reporting;
using Spectre.Console;

namespace Causeway.Cli.Output;

/// <summary>The final table of a run: federated vs centralized quality, rounds and time.</summary>
internal static class RunSummaryTable
{
    public static void Write(RunReport report)
    {
        var culture = CultureInfo.InvariantCulture;
        var table = new Table().Title(Markup.Escape(report.Name)).AddColumns("model", "accuracy", "loss", "rounds", "seconds");
        table.AddRow(
            "federated",
            Format(report.Final?.Accuracy, "P2"),
            Format(report.Final?.Loss, "F4"),
            report.Rounds.Count.ToString(culture),
            report.Seconds.ToString("F1", culture));
        if (report.Centralized is { } central)
        {
            table.AddRow("centralized", Format(central.Accuracy, "P2"), Format(central.Loss, "F4"), "-", "-");
            if (report.Final?.Accuracy is { } f && central.Accuracy is { } c)
            {
                table.Caption($"federated - centralized accuracy: {(f - c) * 100:+0.00;-0.00} points");
            }
        }

        AnsiConsole.Write(table);
        if (report.Privacy is { } privacy)
        {
            var spent = string.Join(", ", new[]
            {
                privacy.Epsilon is { } e ? $"client-level ε = {e.ToString("F3", culture)}" : null,
                privacy.SampleEpsilon is { } s ? $"sample-level ε = {s.ToString("F3", culture)} (worst party)" : null,
            }.OfType<string>());
            AnsiConsole.MarkupLine(Markup.Escape($"privacy spent: {spent} at δ = {privacy.Delta.ToString("G3", culture)} ({privacy.Conversion} RDP conversion)"));
        }

        if (report.StoppedEarly is { } stopped)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"the run {stopped}"));
        }

        if (report.DegradedRounds > 0)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"{report.DegradedRounds} of {report.Rounds.Count} rounds failed and left the model unchanged (see each round's problem in the report)"));
        }

        if (report.Failure is { } failure)
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape($"the run failed: {failure}")}[/]");
        }

        static string Format(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
    }
}
