using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Hosting;
using Causeway.Cli.Composition;
using Causeway.Coordinator.Hosting;
using Causeway.Coordinator.Storage;
using Causeway.Protocol.Security;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway coordinator</c>: serve a federation over HTTP/2 + TLS until stopped.</summary>
internal static class CoordinatorCommand
{
    public static Command Create()
    {
        var listen = new Option<string>("--listen") { Description = "Address and port to listen on.", DefaultValueFactory = _ => "127.0.0.1:7443", HelpName = "HOST:PORT" };
        var certs = new Option<DirectoryInfo>("--certs") { Description = $"Directory with {DevCertificates.ServerCertificateFile}, {DevCertificates.ServerKeyFile} and {DevCertificates.CaCertificateFile} (see 'causeway certs').", DefaultValueFactory = _ => new DirectoryInfo("certs"), HelpName = "DIR" };
        var mutualTls = new Option<bool>("--mtls") { Description = "Require party client certificates issued by the federation CA." };
        var database = new Option<FileInfo?>("--db") { Description = "SQLite file for runs, rounds and checkpoints (default: causeway.db).", HelpName = "FILE" };
        var postgres = new Option<string?>("--postgres") { Description = "PostgreSQL connection string; replaces --db.", HelpName = "CONNECTION" };
        var federation = new Option<string>("--federation") { Description = "The federation's id.", DefaultValueFactory = _ => "default" };
        var joinTokens = new Option<string[]>("--join-token") { Description = "A token parties join with, optionally with an expiry: TOKEN or TOKEN@2026-12-31T00:00Z (UTC unless an offset is given; refused from then on). Repeatable; or CAUSEWAY_JOIN_TOKEN.", DefaultValueFactory = _ => [], HelpName = "TOKEN[@EXPIRY]" };
        var statsEpsilon = new Option<double>("--stats-epsilon-budget") { Description = "Total epsilon each run's differentially private statistics releases may spend (basic composition).", DefaultValueFactory = _ => 1.0, HelpName = "EPSILON" };
        var statsDelta = new Option<double>("--stats-delta-budget") { Description = "Total delta each run's statistics releases may spend (Gaussian releases).", DefaultValueFactory = _ => 1e-6, HelpName = "DELTA" };
        var adminToken = new Option<string?>("--admin-token") { Description = "Bearer token for the JSON control API (or CAUSEWAY_ADMIN_TOKEN)." };
        var command = new Command("coordinator", "Run a coordinator: parties join and pull tasks; runs are started through the control API.")
        {
            listen, certs, mutualTls, database, postgres, federation, joinTokens, adminToken, statsEpsilon, statsDelta,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = parse.GetValue(certs)!.FullName;
            var tokens = parse.GetValue(joinTokens)!.Concat(Secrets.FromEnvironment("CAUSEWAY_JOIN_TOKEN")).Select(JoinTokenSyntax.Parse).ToList();
            var admin = parse.GetValue(adminToken) ?? Secrets.FromEnvironment("CAUSEWAY_ADMIN_TOKEN").FirstOrDefault();
            if (tokens.Count == 0 || admin is null)
            {
                Console.Error.WriteLine("coordinator: give at least one --join-token and an --admin-token (or CAUSEWAY_JOIN_TOKEN / CAUSEWAY_ADMIN_TOKEN).");
                return 2;
            }

            if (tokens.FirstOrDefault(t => t.Error is not null).Error is { } tokenError)
            {
                Console.Error.WriteLine($"coordinator: {tokenError}.");
                return 2;
            }

            await using IRunStore store = parse.GetValue(postgres) is { } connection
                ? await PostgresRunStore.OpenAsync(connection, null, cancellationToken)
                : await SqliteRunStore.OpenAsync(parse.GetValue(database)?.FullName ?? "causeway.db", null, cancellationToken);
            var options = new CoordinatorHostOptions
            {
                Endpoint = IPEndPoint.Parse(parse.GetValue(listen)!),
                ServerCertificate = DevCertificates.LoadPem(
                    Path.Combine(directory, DevCertificates.ServerCertificateFile), Path.Combine(directory, DevCertificates.ServerKeyFile)),
                ClientAuthority = parse.GetValue(mutualTls) ? DevCertificates.LoadPem(Path.Combine(directory, DevCertificates.CaCertificateFile)) : null,
                RunStore = store,
                Configure = o =>
                {
                    o.FederationId = parse.GetValue(federation)!;
                    foreach (var (token, expiresAt, _) in tokens)
                    {
                        o.AddJoinToken(token, expiresAt: expiresAt);
                    }

                    o.StatisticsEpsilonBudget = parse.GetValue(statsEpsilon);
                    o.StatisticsDeltaBudget = parse.GetValue(statsDelta);

                    o.SetAdminToken(admin);
                },
            };
            await using var app = CoordinatorHost.Build(options);
            await app.StartAsync(cancellationToken);
            Console.WriteLine($"coordinator listening on https://{options.Endpoint} (federation '{parse.GetValue(federation)}')");
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
