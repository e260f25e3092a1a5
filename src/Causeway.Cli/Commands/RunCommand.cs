using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
using Causeway.Federation.Configuration;
using Causeway.Protocol.Security;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway run start|status|stop|resume|model|stats</c>: drive a coordinator through its JSON control API.</summary>
internal static class RunCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var coordinator = CliOptions.CoordinatorAddress("--coordinator", "The coordinator's address.", new Uri("https://127.0.0.1:7443"));
        coordinator.Recursive = true;
        var authority = new Option<FileInfo?>("--ca") { Description = "The federation CA certificate (PEM) to trust.", DefaultValueFactory = _ => new FileInfo(Path.Combine("certs", DevCertificates.CaCertificateFile)), HelpName = "FILE", Recursive = true };
        var adminToken = new Option<string?>("--admin-token") { Description = "The control API's bearer token (or CAUSEWAY_ADMIN_TOKEN).", Recursive = true };
        var command = new Command("run", "Start a federated run on a coordinator, follow its rounds and download its model.") { coordinator, authority, adminToken };

        var config = new Option<FileInfo>("--config") { Description = "The run configuration (JSON).", Required = true, HelpName = "FILE" };
        var init = new Option<FileInfo?>("--init")
        {
            Description = "Start from this model (.cw: `causeway run model`, or one trained at a party) instead of a seeded initialisation; it must have the run's architecture. Pair with training.frozenLayers to keep its first layers.",
            HelpName = "FILE",
        };
        var follow = new Option<bool>("--follow") { Description = "After printing the run's id, follow its rounds (a row each) until it ends; exit 1 unless it completes." };
        var start = new Command("start", "Start a run described by a configuration file; prints the run's id (and follows its rounds with --follow).") { config, init, follow };
        start.SetAction(async (parse, cancellationToken) =>
        {
            using var api = Connect(parse, coordinator, authority, adminToken);
            var path = parse.GetValue(config)!.FullName;
            var run = RunConfigFile.Load(path);
            if (parse.GetValue(init) is { } initial)
            {
                run = run with { Model = run.Model with { Init = ReadInit(initial) } };
            }

            RunConfigFile.Validate(run, path, RunSite.Network);
            var id = await api.StartRunAsync(run.ToJson(), cancellationToken);
            Console.WriteLine(id);
            return parse.GetValue(follow) ? await WatchAsync(api, id, cancellationToken) : 0;
        });

        var watchRun = new Option<string>("--run") { Description = "The run to follow.", Required = true };
        var watch = new Command("watch", "Follow a run's rounds live (a row each: updates, parties not accepted and why, losses, accuracy, AUC) until it ends; exit 1 unless it completes.") { watchRun };
        watch.SetAction(async (parse, cancellationToken) =>
        {
            using var api = Connect(parse, coordinator, authority, adminToken);
            return await WatchAsync(api, parse.GetValue(watchRun)!, cancellationToken);
        });

        var runId = new Option<string?>("--run") { Description = "The run to show (default: the coordinator's parties and runs)." };
        var json = CliOptions.Json();
        var status = new Command("status", "Show the coordinator's parties and runs, or one run's rounds and metrics.") { runId, json };
        status.SetAction(async (parse, cancellationToken) =>
        {
            using var api = Connect(parse, coordinator, authority, adminToken);
            if (parse.GetValue(runId) is { } id)
            {
                var run = await api.RunAsync(id, cancellationToken);
                Print(parse.GetValue(json), run, () => WriteRun(run));
                return 0;
            }

            var overview = new JsonObject
            {
                ["status"] = await api.StatusAsync(cancellationToken),
                ["runs"] = await api.RunsAsync(cancellationToken),
            };
            Print(parse.GetValue(json), overview, () => WriteOverview(overview));
            return 0;
        });

        var stopRun = new Option<string>("--run") { Description = "The run to stop.", Required = true };
        var stop = new Command(
            "stop",
            "Stop a run: the round in progress is withdrawn and the run is kept after its last closed round. A stopped run no longer blocks new runs and is not resumed when a coordinator restarts; 'run resume' continues it.")
        {
            stopRun,
        };
        stop.SetAction(async (parse, cancellationToken) =>
        {
            using var api = Connect(parse, coordinator, authority, adminToken);
            var run = await api.StopRunAsync(parse.GetValue(stopRun)!, cancellationToken);
            Console.WriteLine($"{run["id"]}: {run["state"]?.ToString().ToLowerInvariant()} after round {run["completedRounds"]} of {run["totalRounds"]}");
            return 0;
        });

        var resumeRun = new Option<string>("--run") { Description = "The run to resume.", Required = true };
        var resume = new Command("resume", "Resume a stopped, failed or interrupted run from its last closed round; prints the run's id.") { resumeRun };
        resume.SetAction(async (parse, cancellationToken) =>
        {
            using var api = Connect(parse, coordinator, authority, adminToken);
            Console.WriteLine(await api.ResumeRunAsync(parse.GetValue(resumeRun)!, cancellationToken));
            return 0;
        });

        var modelRun = new Option<string>("--run") { Description = "The run whose global model to download.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the model: a model file (.cw), or ONNX with --format onnx.", Required = true, HelpName = "FILE" };
        var modelFormat = ExportCommand.FormatOption(defaultFormat: "cw");
        var model = new Command("model", "Download a run's latest global model (with its schema and statistics) for 'causeway predict', or as ONNX (--format onnx).") { modelRun, output, modelFormat };
        model.SetAction(async (parse, cancellationToken) =>
        {
            using var api = Connect(parse, coordinator, authority, adminToken);
            var path = parse.GetValue(output)!.FullName;
            switch (parse.GetValue(modelFormat))
            {
                case "cw":
                    await api.DownloadModelAsync(parse.GetValue(modelRun)!, path, cancellationToken);
                    Console.WriteLine($"wrote {path}");
                    break;
                case "onnx":
                    var downloaded = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.cw");
                    try
                    {
                        await api.DownloadModelAsync(parse.GetValue(modelRun)!, downloaded, cancellationToken);
                        ExportCommand.WriteOnnx(downloaded, path);
                    }
                    finally
                    {
                        File.Delete(downloaded);
                    }

                    break;
                case var other:
                    throw new CliException($"--format must be cw or onnx, got '{other}'", hint: null, exitCode: 2);
            }

            return 0;
        });

        command.Subcommands.Add(start);
        command.Subcommands.Add(watch);
        command.Subcommands.Add(status);
        command.Subcommands.Add(stop);
        command.Subcommands.Add(resume);
        command.Subcommands.Add(model);
        command.Subcommands.Add(RunStatsCommand.Create(parse => Connect(parse, coordinator, authority, adminToken)));
        command.Subcommands.Add(RunPopularCommand.Create(parse => Connect(parse, coordinator, authority, adminToken)));
        return command;
    }

    // Follows the run to its end; a run that fails or is stopped is a failed command, its reason on standard error.
    private static async Task<int> WatchAsync(ControlApiClient api, string runId, CancellationToken cancellationToken)
    {
        var outcome = await RunFollower.FollowAsync(api, runId, null, cancellationToken);
        if (outcome.Completed)
        {
            return 0;
        }

        Console.Error.WriteLine($"run {runId} ended {outcome.State.ToLowerInvariant()}: {outcome.Error ?? "no reason given"}");
        return 1;
    }

    private static void Print(bool asJson, JsonNode node, Action writeTables)
    {
        if (asJson)
        {
            Console.WriteLine(node.ToJsonString(Indented));
        }
        else
        {
            writeTables();
        }
    }

    private static void WriteOverview(JsonNode overview)
    {
        var status = overview["status"]!;
        var parties = new Table().Title(Markup.Escape($"federation {status["federation"]}")).AddColumns("party", "joined", "last heard");
        foreach (var party in status["parties"]?.AsArray() ?? [])
        {
            parties.AddRow(Text(party?["party"]), Time(party?["joinedAt"]), Time(party?["lastHeartbeat"]));
        }

        AnsiConsole.Write(parties);
        var runs = new Table().Title("runs").AddColumns("id", "state", "rounds", "degraded", "description", "started");
        foreach (var run in overview["runs"]?.AsArray() ?? [])
        {
            runs.AddRow(
                Text(run?["id"]),
                Text(run?["state"]),
                $"{Text(run?["completedRounds"])}/{Text(run?["totalRounds"])}",
                Text(run?["degradedRounds"]),
                Text(run?["description"]),
                Time(run?["startedAt"]));
        }

        AnsiConsole.Write(runs);
    }

    private static void WriteRun(JsonNode details)
    {
        var run = details["run"]!;
        var rounds = details["rounds"]?.AsArray() ?? [];
        string[] privacyColumns = ["epsilon", "sample_epsilon"];
        var shown = privacyColumns.Where(name => rounds.Any(r => r?["metrics"]?[name] is not null)).ToList();
        var table = new Table()
            .Title(Markup.Escape($"{run["id"]}: {run["state"]}, {run["completedRounds"]}/{run["totalRounds"]} rounds, {run["degradedRounds"] ?? 0} degraded"))
            .AddColumns(["round", "updates", "train loss", "eval loss", "accuracy", "bytes", "seconds", .. shown.Select(n => n == "epsilon" ? "ε (client)" : "ε (sample)")]);
        foreach (var round in rounds)
        {
            var metrics = round?["metrics"];
            table.AddRow([
                Text(round?["round"]),
                $"{Text(round?["updates"])}/{Number(metrics?["selected"], "F0")}",
                Number(metrics?["train_loss"], "F4"),
                Number(metrics?["eval_loss"], "F4"),
                Number(metrics?["eval_accuracy"], "P2"),
                Number(metrics?["bytes"], "N0"),
                Number(metrics?["seconds"], "F2"),
                .. shown.Select(n => Number(metrics?[n], "F3"))]);
        }

        if (run["error"] is { } error)
        {
            table.Caption(Markup.Escape(error.ToString()));
        }

        AnsiConsole.Write(table);
        WritePartyEvaluations(rounds);
        // Every selected party whose update was not averaged, round by round, with why.
        foreach (var round in rounds)
        {
            foreach (var party in round?["parties"]?.AsArray().Where(p => p?["outcome"]?.GetValue<string>() != "accepted") ?? [])
            {
                Console.WriteLine($"round {round!["round"]}: {party!["party"]} {party["outcome"]}: {party["reason"]}");
            }
        }
    }

    // Each party's own figures in the last round the parties evaluated: which site the global model serves worst.
    private static void WritePartyEvaluations(JsonArray rounds)
    {
        if (rounds.LastOrDefault(r => r?["evaluations"]?.AsArray().Count > 0) is not { } last)
        {
            return;
        }

        var table = new Table()
            .Title(Markup.Escape($"each party's own evaluation rows, round {last["round"]}"))
            .AddColumns("party", "examples", "loss", "accuracy", "ROC AUC", "RMSE");
        foreach (var party in last["evaluations"]!.AsArray())
        {
            var metrics = party?["metrics"];
            table.AddRow(
                Text(party?["party"]), Number(metrics?["eval_examples"], "N0"), Number(metrics?["eval_loss"], "F4"), Number(metrics?["eval_accuracy"], "P2"),
                Number(metrics?["eval_roc_auc"], "F3"), Number(metrics?["eval_rmse"], "F4"));
        }

        AnsiConsole.Write(table);
    }

    private static string Text(JsonNode? node) => Markup.Escape(node?.ToString() ?? "-");

    private static string Time(JsonNode? node) =>
        node is null ? "-" : node.GetValue<DateTimeOffset>().ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Number(JsonNode? node, string format) =>
        node is null ? "-" : node.GetValue<double>().ToString(format, CultureInfo.InvariantCulture);

    // The model a run starts from, as model.init carries it.
    private static string ReadInit(FileInfo file)
    {
        CliFiles.Existing(file, "--init", CliFiles.ModelHint);
        if (file.Length > ModelConfig.MaxInitBytes)
        {
            throw new CliException($"--init {file.Name}: {file.Length:N0} bytes, more than a run's initial model may hold ({ModelConfig.MaxInitBytes >> 20} MiB)", hint: null);
        }

        return Convert.ToBase64String(File.ReadAllBytes(file.FullName));
    }

    /// <summary>A control API client from the --coordinator, --ca and --admin-token options (or CAUSEWAY_ADMIN_TOKEN).</summary>
    /// <remarks>Without a CA file (the default certs/ca.crt.pem missing) the system's trust store decides; a --ca given by name must exist.</remarks>
    internal static ControlApiClient Connect(ParseResult parse, Option<Uri> coordinator, Option<FileInfo?> authority, Option<string?> adminToken) =>
        Connect(parse, parse.GetValue(coordinator)!, authority, adminToken);

    internal static ControlApiClient Connect(ParseResult parse, Uri coordinator, Option<FileInfo?> authority, Option<string?> adminToken)
    {
        var token = parse.GetValue(adminToken) ?? Secrets.FromEnvironment("CAUSEWAY_ADMIN_TOKEN").FirstOrDefault()
            ?? throw new CliException("no admin token", "give the coordinator's admin token with --admin-token or CAUSEWAY_ADMIN_TOKEN", exitCode: 2);
        var named = parse.GetResult(authority) is { Implicit: false };
        var ca = parse.GetValue(authority) is { } file && (named || file.Exists)
            ? PemFiles.LoadCertificate(file.FullName, "--ca", "give the federation's CA certificate (ca.crt.pem from the coordinator's operator)")
            : null;
        return new ControlApiClient(coordinator, token, ca);
    }
}
