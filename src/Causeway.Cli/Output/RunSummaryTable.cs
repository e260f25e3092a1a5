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
        var models = new[] { ("federated", report.Final), ("centralized", report.Centralized) };

        // A metric gets a column when either model has it: AUC and F1 for a binary label, RMSE for regression.
        var metrics = new (string Header, Func<MetricsReport, double?> Value, string Format)[]
        {
            ("accuracy", m => m.Accuracy, "P2"), ("AUC", m => m.RocAuc, "F4"), ("F1", m => m.F1, "F4"), ("RMSE", m => m.Rmse, "G5"), ("loss", m => m.Loss, "F4"),
        }.Where(metric => models.Any(m => m.Item2 is { } r && metric.Value(r) is not null)).ToList();
        var table = new Table().Title(Markup.Escape(report.Name)).AddColumn("model");
        foreach (var metric in metrics)
        {
            table.AddColumn(new TableColumn(metric.Header).RightAligned());
        }

        table.AddColumn(new TableColumn("rounds").RightAligned()).AddColumn(new TableColumn("seconds").RightAligned());
        foreach (var (name, metricsReport) in models)
        {
            if (metricsReport is null && name == "centralized")
            {
                continue;
            }

            var cells = new List<string> { name };
            cells.AddRange(metrics.Select(m => Format(metricsReport is null ? null : m.Value(metricsReport), m.Format)));
            cells.AddRange(name == "federated" ? [report.Rounds.Count.ToString(culture), report.Seconds.ToString("F1", culture)] : ["-", "-"]);
            table.AddRow([.. cells.Select(Markup.Escape)]);
        }

        if (report.Final?.Accuracy is { } f && report.Centralized?.Accuracy is { } c)
        {
            table.Caption($"federated - centralized accuracy: {(f - c) * 100:+0.00;-0.00} points");
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
