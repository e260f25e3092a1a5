using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Output;
using Causeway.Privacy.Accounting;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway privacy</c>: differential-privacy accounting for a planned or finished run.</summary>
internal static class PrivacyCommand
{
    public static Command Create()
    {
        var command = new Command("privacy", "Differential-privacy accounting.");
        command.Subcommands.Add(CreateEpsilon());
        return command;
    }

    private static Command CreateEpsilon()
    {
        var noise = new Option<double>("--noise-multiplier") { Description = "Noise standard deviation over the L2 clipping bound (sigma > 0).", Required = true, HelpName = "S" };
        var rate = new Option<double>("--sampling-rate") { Description = "Probability that a record (or party) takes part in a step, in (0, 1].", Required = true, HelpName = "Q" };
        var steps = new Option<long>("--steps") { Description = "Number of steps (rounds) composed (>= 1).", Required = true, HelpName = "T" };
        var delta = new Option<double>("--delta") { Description = "Target delta, in (0, 1); usually below 1/records.", Required = true, HelpName = "D" };
        var conversion = new Option<string>("--conversion")
        {
            Description = "RDP to (epsilon, delta) bound for the reported epsilon: classic (Mironov 2017) or balle2020 (Balle et al. 2020, tighter).",
            DefaultValueFactory = _ => "classic",
            HelpName = "classic|balle2020",
        };
        conversion.AcceptOnlyFromAmong("classic", "balle2020");
        noise.Validators.Add(r => Check(r, r.GetValueOrDefault<double>() is > 0 and < double.PositiveInfinity, "--noise-multiplier must be a finite number above 0"));
        rate.Validators.Add(r => Check(r, r.GetValueOrDefault<double>() is > 0 and <= 1, "--sampling-rate must be in (0, 1]"));
        steps.Validators.Add(r => Check(r, r.GetValueOrDefault<long>() >= 1, "--steps must be at least 1"));
        delta.Validators.Add(r => Check(r, r.GetValueOrDefault<double>() is > 0 and < 1, "--delta must be in (0, 1)"));
        var report = CliOptions.Report();
        var command = new Command("epsilon", "Epsilon of the sampled Gaussian mechanism (DP-SGD / DP-FedAvg) by Renyi-DP accounting at TF-Privacy's default orders.")
        {
            noise, rate, steps, delta, conversion, report,
        };
        command.SetAction(parse =>
        {
            var selected = parse.GetValue(conversion) == "balle2020" ? RdpConversion.Balle2020 : RdpConversion.Classic;
            var accountant = new RdpAccountant(parse.GetValue(delta), selected);
            accountant.Add(new SampledGaussianRound(parse.GetValue(noise), parse.GetValue(rate), parse.GetValue(steps)));
            var classic = accountant.GetSpent(RdpConversion.Classic);
            var balle = accountant.GetSpent(RdpConversion.Balle2020);

            var table = new Table().AddColumns("conversion", "epsilon", "delta", "best order");
            foreach (var spent in new[] { classic, balle })
            {
                var name = Name(spent.Conversion) + (spent.Conversion == selected ? " (selected)" : string.Empty);
                table.AddRow(
                    name,
                    spent.Epsilon.ToString("F4", CultureInfo.InvariantCulture),
                    spent.Delta.ToString("G6", CultureInfo.InvariantCulture),
                    spent.Order.ToString("G4", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);

            if (parse.GetValue(report) is { } reportFile)
            {
                var chosen = accountant.Spent;
                var json = new JsonObject
                {
                    ["epsilon"] = Number(chosen.Epsilon),
                    ["delta"] = chosen.Delta,
                    ["order"] = Number(chosen.Order),
                    ["conversion"] = Name(chosen.Conversion),
                    ["epsilonClassic"] = Number(classic.Epsilon),
                    ["orderClassic"] = Number(classic.Order),
                    ["epsilonBalle2020"] = Number(balle.Epsilon),
                    ["orderBalle2020"] = Number(balle.Order),
                    ["noiseMultiplier"] = parse.GetValue(noise),
                    ["samplingRate"] = parse.GetValue(rate),
                    ["steps"] = parse.GetValue(steps),
                };
                ReportFile.Write(reportFile.FullName, json);
            }

            return 0;
        });
        return command;
    }

    private static void Check(OptionResult result, bool valid, string message)
    {
        if (!valid && result.Tokens.Count > 0)
        {
            result.AddError($"{message}, not '{result.Tokens[^1].Value}'.");
        }
    }

    private static string Name(RdpConversion conversion) => conversion == RdpConversion.Balle2020 ? "balle2020" : "classic";

    // JSON has no infinity or NaN: an unbounded epsilon (or no best order) is written as null.
    private static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;
}
