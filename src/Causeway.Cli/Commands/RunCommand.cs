using System.CommandLine;
using Causeway.Cli.Composition;
using Causeway.Protocol.Security;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway run start|status</c>: drive a coordinator through its JSON control API.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var coordinator = new Option<Uri>("--coordinator") { Description = "The coordinator's address.", DefaultValueFactory = _ => new Uri("https://127.0.0.1:7443"), HelpName = "URL", Recursive = true };
        var authority = new Option<FileInfo?>("--ca") { Description = "The federation CA certificate (PEM) to trust.", DefaultValueFactory = _ => new FileInfo(Path.Combine("certs", DevCertificates.CaCertificateFile)), HelpName = "FILE", Recursive = true };
        var adminToken = new Option<string?>("--admin-token") { Description = "The control API's bearer token (or CAUSEWAY_ADMIN_TOKEN).", Recursive = true };
        var command = new Command("run", "Start a federated run on a coordinator and read its status and metrics.") { coordinator, authority, adminToken };

        var config = new Option<FileInfo>("--config") { Description = "The run configuration (JSON).", Required = true, HelpName = "FILE" };
        var start = new Command("start", "Start a run described by a configuration file.") { config };
        start.SetAction(async (parse, cancellationToken) =>
        {
            using var api = Connect(parse, coordinator, authority, adminToken);
            var path = parse.GetValue(config)!.FullName;
            var run = RunConfigFile.Load(path);
            RunConfigFile.Validate(run, path, requireDataPaths: false);
            var id = await api.StartRunAsync(run.ToJson(), cancellationToken);
            Console.WriteLine(id);
            return 0;
        });

        var runId = new Option<string?>("--run") { Description = "The run to show (default: every run)." };
        var status = new Command("status", "Print the coordinator's status, or one run's rounds, as JSON.") { runId };
        status.SetAction(async (parse, cancellationToken) =>
        {
            using var api = Connect(parse, coordinator, authority, adminToken);
            var node = parse.GetValue(runId) is { } id ? await api.RunAsync(id, cancellationToken) : await api.StatusAsync(cancellationToken);
            Console.WriteLine(node.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return 0;
        });

        command.Subcommands.Add(start);
        command.Subcommands.Add(status);
        return command;
    }

    private static ControlApiClient Connect(ParseResult parse, Option<Uri> coordinator, Option<FileInfo?> authority, Option<string?> adminToken)
    {
        var token = parse.GetValue(adminToken) ?? Secrets.FromEnvironment("CAUSEWAY_ADMIN_TOKEN").FirstOrDefault()
            ?? throw new ArgumentException("Give --admin-token or set CAUSEWAY_ADMIN_TOKEN.");
        var ca = parse.GetValue(authority) is { Exists: true } file ? DevCertificates.LoadPem(file.FullName) : null;
        return new ControlApiClient(parse.GetValue(coordinator)!, token, ca);
    }
}
