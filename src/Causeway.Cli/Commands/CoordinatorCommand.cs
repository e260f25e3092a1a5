using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Hosting;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
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
        var adminToken = new Option<string?>("--admin-token") { Description = "Bearer token for the JSON control API and the dashboard (or CAUSEWAY_ADMIN_TOKEN)." };
        var heartbeatTimeout = new Option<double>("--heartbeat-timeout")
        {
            Description = "Seconds without a call from a party before its session ends (it shows offline and its open tasks become dropouts); parties are asked to call every timeout/6, at most every 5 s.",
            DefaultValueFactory = _ => 30,
            HelpName = "SECONDS",
        };
        var command = new Command("coordinator", "Run a coordinator: parties join and pull tasks; runs are started through the control API.")
        {
            listen, certs, mutualTls, database, postgres, federation, joinTokens, adminToken, statsEpsilon, statsDelta, heartbeatTimeout,
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

            if (parse.GetValue(heartbeatTimeout) is var timeout && !(timeout is >= 1 and <= 3600))
            {
                Console.Error.WriteLine($"coordinator: --heartbeat-timeout must be 1 to 3600 seconds, not {timeout}.");
                return 2;
            }

            if (tokens.FirstOrDefault(t => t.Error is not null).Error is { } tokenError)
            {
                Console.Error.WriteLine($"coordinator: {tokenError}.");
                return 2;
            }

            // Everything that can fail without side effects is checked before the database is opened (or created), so a
            // start that fails on certificates or the port leaves no new file behind.
            var endpoint = ParseListen(parse.GetValue(listen)!);
            const string CertsHint = "create them with `causeway certs --out DIR` and give that folder with --certs DIR";
            using var serverCertificate = PemFiles.LoadWithKey(
                Path.Combine(directory, DevCertificates.ServerCertificateFile), Path.Combine(directory, DevCertificates.ServerKeyFile), "--certs", CertsHint);
            using var clientAuthority = parse.GetValue(mutualTls)
                ? PemFiles.LoadCertificate(Path.Combine(directory, DevCertificates.CaCertificateFile), "--certs (with --mtls)", CertsHint)
                : null;
            ThrowIfPortTaken(endpoint);

            var databasePath = parse.GetValue(postgres) is null ? Path.GetFullPath(parse.GetValue(database)?.FullName ?? "causeway.db") : null;
            var createsDatabase = databasePath is not null && !File.Exists(databasePath);
            IRunStore? store = null;
            try
            {
                store = parse.GetValue(postgres) is { } connection
                    ? await PostgresRunStore.OpenAsync(connection, null, cancellationToken)
                    : await SqliteRunStore.OpenAsync(databasePath!, null, cancellationToken);
                var options = new CoordinatorHostOptions
                {
                    Endpoint = endpoint,
                    ServerCertificate = serverCertificate,
                    ClientAuthority = clientAuthority,
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
                        o.HeartbeatTimeout = TimeSpan.FromSeconds(timeout);
                        o.HeartbeatInterval = TimeSpan.FromSeconds(Math.Min(5, timeout / 6));
                    },
                };

                // Built before the store's lease is taken, so that a standby is ready to serve the moment it has it.
                var app = CoordinatorHost.Build(options);
                IStoreLease? lease = null;
                try
                {
                    // While another coordinator holds the lease the database is in use: never removed by this process.
                    lease = await TakeLeaseAsync(store, endpoint, () => createsDatabase = false, cancellationToken);
                    try
                    {
                        await app.StartAsync(cancellationToken);
                    }
                    catch (IOException e) when (e.InnerException is AddressInUseException)
                    {
                        // Another process took the port between the check and the bind (or while this one was a standby).
                        throw PortTaken(endpoint, e);
                    }

                    createsDatabase = false;
                    Console.WriteLine($"coordinator listening on https://{options.Endpoint} (federation '{parse.GetValue(federation)}')");
                    Console.WriteLine($"dashboard: https://{options.Endpoint}/dashboard (sign in with the admin token)");
                    using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
                    await app.WaitForShutdownAsync(shutdown.Token);
                }
                finally
                {
                    // The host first: a run's final status is written while the lease is still held.
                    await app.DisposeAsync();
                    if (lease is not null)
                    {
                        await lease.DisposeAsync();
                    }
                }

                return lease.Lost.IsCancellationRequested
                    ? throw new CliException(
                        "lost the store's lease (another coordinator may own its runs now); stopped serving",
                        "run coordinators under a supervisor that restarts them: a restarted coordinator waits as the standby",
                        exitCode: 1)
                    : 0;
            }
            finally
            {
                if (store is not null)
                {
                    await store.DisposeAsync();
                }

                if (createsDatabase)
                {
                    RemoveNewDatabase(databasePath!);
                }
            }
        });
        return command;
    }

    private static IPEndPoint ParseListen(string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port > 0
            ? endpoint
            : throw new CliException($"--listen {text} is not an IP address and port", "e.g. --listen 0.0.0.0:7443 (every interface) or 127.0.0.1:7443 (this machine only)", exitCode: 2);

    // Binding a probe socket tells "in use" (another coordinator?) from "not permitted" before any file is touched.
    private static void ThrowIfPortTaken(IPEndPoint endpoint)
    {
        using var probe = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(endpoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw PortTaken(endpoint, e);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AccessDenied)
        {
            throw new CliException($"not permitted to listen on {endpoint}", "ports below 1024 need privileges; choose another with --listen HOST:PORT", innerException: e);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressNotAvailable)
        {
            throw new CliException($"--listen {endpoint}: this machine has no such address", "use one of its addresses, or 0.0.0.0 for all of them", exitCode: 2, innerException: e);
        }
    }

    private static CliException PortTaken(IPEndPoint endpoint, Exception cause) => new(
        $"port {endpoint.Port} on {endpoint.Address} is already in use (another coordinator?)",
        "stop the process that holds it, or choose another port with --listen HOST:PORT",
        innerException: cause);

    // SQLite's file and its companions (WAL, shared memory, lease) created by this failed start; a file that existed is never touched.
    private static void RemoveNewDatabase(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal", path + "-lease" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
        }
    }

    // One active coordinator per store: while another holds the store's lease this one waits, not listening (docs/operations.md).
    private static async Task<IStoreLease> TakeLeaseAsync(IRunStore store, IPEndPoint endpoint, Action onStandby, CancellationToken cancellationToken)
    {
        var standby = false;
        var lease = await CoordinatorStandby.WaitForLeaseAsync(
            store,
            $"https://{endpoint} (pid {Environment.ProcessId} on {Environment.MachineName})",
            holder =>
            {
                standby = true;
                onStandby();
                Console.WriteLine($"coordinator: standby; the store's lease is held by the coordinator at {holder}. Waiting to take over (not listening).");
            },
            cancellationToken: cancellationToken);
        if (standby)
        {
            Console.WriteLine($"coordinator: took the store's lease at {DateTimeOffset.UtcNow:O}; taking over.");
        }

        return lease;
    }
}
