using System.CommandLine;
using System.Text.Json;
using Causeway.Cli.Output;
using Causeway.Core.Data;
using Causeway.Protocol.Security;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway schema infer|merge</c>: draft a schema from a CSV file for review, and merge the parties' drafts.</summary>
internal static class SchemaCommand
{
    public static Command Create() => new("schema", "Draft a data schema from a CSV file (types, categories, label classes) and merge the drafts of several parties.")
    {
        Infer(),
        Merge(),
    };

    private static Command Infer()
    {
        var data = new Argument<FileInfo>("data") { Description = "The CSV/TSV file (comma, semicolon, tab or bar delimited, with or without a header)." };
        var label = new Option<string?>("--label") { Description = "The label column (default: one named label, target, class, y or outcome, else the last column). Without a header, columns are column1, column2, ...", HelpName = "COLUMN" };
        var ids = new Option<string[]>("--id") { Description = "A column that identifies rows and is never a feature (repeat for several).", HelpName = "COLUMN", AllowMultipleArgumentsPerToken = true };
        var maxCategories = new Option<int>("--max-categories") { Description = "At most this many distinct values make a text column categorical.", DefaultValueFactory = _ => new SchemaInferenceOptions().MaxCategories };
        var output = OutOption();
        var command = new Command("infer", "Write a schema inferred from a CSV file, for you to review: delimiter, header, missing markers, column types, categories and the label's classes.")
        {
            data, label, ids, maxCategories, output,
        };
        command.SetAction(parse =>
        {
            var file = CliFiles.Existing(parse.GetValue(data)!, null, exitCode: 2);

            RefuseExisting(parse.GetValue(output));
            var inferred = SchemaInference.Infer(
                file.FullName,
                new SchemaInferenceOptions { Label = parse.GetValue(label), Ids = parse.GetValue(ids) ?? [], MaxCategories = Math.Max(1, parse.GetValue(maxCategories)) });

            // The review goes to standard error, so `schema infer data.csv > schema.json` captures the schema alone.
            var review = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            var layout = inferred.Schema.Format;
            var table = new Table()
                .Title(Markup.Escape($"{file.Name}: {inferred.Rows:N0} rows, delimiter '{(layout.Delimiter == "\t" ? "\\t" : layout.Delimiter)}', {(layout.Header ? "header" : "no header")}"))
                .AddColumns("column", "type", "why");
            foreach (var column in inferred.Columns)
            {
                table.AddRow(Markup.Escape(column.Name), column.Type.ToString().ToLowerInvariant(), Markup.Escape(column.Reason));
            }

            review.Write(table);
            foreach (var note in inferred.Notes)
            {
                review.WriteLine("note: " + note);
            }

            WriteOrPrint(parse.GetValue(output), inferred.Json, $"review it, then: causeway simulate --data {parse.GetResult(data)?.Tokens[0].Value ?? file.Name} --schema {parse.GetResult(output)?.Tokens[0].Value}");
            return 0;
        });
        return command;
    }

    private static Command Merge()
    {
        var drafts = new Argument<FileInfo[]>("schemas") { Description = "The schemas to merge, e.g. one inferred at each party.", Arity = ArgumentArity.ZeroOrMore };
        var coordinator = CliOptions.CoordinatorAddress(
            "--coordinator", "Instead of files: merge the schemas the coordinator's connected parties joined with (each inferred from its own rows).");
        coordinator.Required = false;
        var authority = new Option<FileInfo?>("--ca") { Description = "With --coordinator: the federation CA certificate (PEM) to trust.", DefaultValueFactory = _ => new FileInfo(Path.Combine("certs", DevCertificates.CaCertificateFile)), HelpName = "FILE" };
        var adminToken = new Option<string?>("--admin-token") { Description = "With --coordinator: the control API's bearer token (or CAUSEWAY_ADMIN_TOKEN)." };
        var output = OutOption();
        var command = new Command("merge", "Union several parties' schema drafts into one they can all use: every category and label value any of them saw.")
        {
            drafts, coordinator, authority, adminToken, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var files = parse.GetValue(drafts) ?? [];
            string merged;
            if (parse.GetResult(coordinator) is not null)
            {
                if (files.Length > 0)
                {
                    throw new CliException("give schema files or --coordinator, not both", "--coordinator merges the schemas the connected parties joined with");
                }

                // The federated mode: each party joined with its own draft; the coordinator answers their union.
                using var api = RunCommand.Connect(parse, parse.GetValue(coordinator)!, authority, adminToken);
                var answer = await api.MergedSchemaAsync(cancellationToken);
                merged = answer["schema"]!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
                Console.Error.WriteLine($"merged the schemas of {string.Join(", ", answer["parties"]!.AsArray().Select(p => p!.GetValue<string>()))}");
            }
            else if (files.Length == 0)
            {
                throw new CliException("give the schemas to merge, or --coordinator URL", "causeway schema merge a.json b.json --out schema.json");
            }
            else
            {
                var existing = files.Select(f => CliFiles.Existing(f, null)).ToList();
                merged = SchemaInference.Merge([.. existing.Select(f => (File.ReadAllText(f.FullName), f.FullName))]);
            }

            WriteOrPrint(parse.GetValue(output), merged, "every party uses this one schema");
            return 0;
        });
        return command;
    }

    private static Option<FileInfo?> OutOption() => new("--out")
    {
        Description = "Write the schema to this file (refused if it exists; default: standard output).",
        HelpName = "FILE",
    };

    private static void RefuseExisting(FileInfo? output)
    {
        if (output is { Exists: true })
        {
            throw new CliException($"{output.FullName} exists; not overwriting it", "choose another --out, or move the file away first", exitCode: 2);
        }
    }

    private static void WriteOrPrint(FileInfo? output, string json, string next)
    {
        if (output is null)
        {
            Console.Out.Write(json);
            return;
        }

        RefuseExisting(output);
        File.WriteAllText(output.FullName, json);
        Console.Error.WriteLine($"wrote {output.FullName}; {next}");
    }
}
