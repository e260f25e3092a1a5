using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Causeway.EndToEnd.Tests.Storage;

/// <summary>
/// A private PostgreSQL server for one test run: initdb into a temporary directory, pg_ctl start on a free
/// loopback port (unix socket in the same directory), stopped and deleted on dispose. As root the server runs as
/// the postgres user. Does nothing when <see cref="PostgresBinaries.SkipReason"/> is set.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private string? _root;
    private string? _dataDirectory;
    private int _port;

    /// <summary>The connection string of the maintenance database "postgres".</summary>
    public string AdminConnectionString => Connection("postgres");

    public async Task InitializeAsync()
    {
        if (PostgresBinaries.Directory is null)
        {
            return;
        }

        _root = Path.Combine(Path.GetTempPath(), "causeway-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_root);
        try
        {
            await StartAsync(PostgresBinaries.Directory, _root);
        }
        catch (Exception e)
        {
            var log = Path.Combine(_root, "server.log");
            var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log) : "(no server log)";
            await DisposeAsync();
            throw new InvalidOperationException($"The private PostgreSQL server did not start: {e.Message}\nServer log:\n{serverLog}", e);
        }
    }

    private async Task StartAsync(string binaries, string root)
    {
        if (PostgresBinaries.RunningAsRoot)
        {
            await RunAsync("chown", ["postgres:postgres", root], asPostgres: false);
        }

        _dataDirectory = Path.Combine(root, "data");
        await RunAsync(
            Path.Combine(binaries, "initdb"),
            ["-D", _dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
            asPostgres: true);

        // Another process may take the free port between the probe and the server's bind: retry on a new one.
        for (var attempt = 1; ; attempt++)
        {
            _port = FreePort();

            // The server's durability is irrelevant to the tests (they kill clients, not the server): skip fsync.
            var serverOptions = string.Join(
                ' ',
                $"-p {_port.ToString(CultureInfo.InvariantCulture)}",
                $"-k {root}",
                "-c listen_addresses=127.0.0.1",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=50");
            try
            {
                await RunAsync(
                    Path.Combine(binaries, "pg_ctl"),
                    ["-D", _dataDirectory, "-l", Path.Combine(root, "server.log"), "-o", serverOptions, "-w", "-t", "60", "start"],
                    asPostgres: true);
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        if (_root is null)
        {
            throw new InvalidOperationException(PostgresBinaries.SkipReason ?? "The PostgreSQL server is not running.");
        }

        // Identifiers cannot be bound as parameters; this one is made of hex digits only.
        var name = "causeway_test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return Connection(name);
    }

    public async Task DisposeAsync()
    {
        if (_root is null)
        {
            return;
        }

        try
        {
            NpgsqlConnection.ClearAllPools();
            if (_dataDirectory is not null && File.Exists(Path.Combine(_dataDirectory, "postmaster.pid")))
            {
                await RunAsync(
                    Path.Combine(PostgresBinaries.Directory!, "pg_ctl"), ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"], asPostgres: true);
            }
        }
        finally
        {
            Directory.Delete(_root, recursive: true);
            _root = null;
        }
    }

    private string Connection(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = _port,
        Username = "postgres",
        Database = database,
        Pooling = true,
        Timeout = 15,
    }.ConnectionString;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres && PostgresBinaries.RunningAsRoot)
        {
            start.FileName = "runuser";
            foreach (var argument in (string[])["-u", "postgres", "--", fileName])
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = fileName;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
        }
    }
}
