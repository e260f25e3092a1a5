using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.Party;
using Causeway.Protocol;
using Causeway.Protocol.Security;

namespace Causeway.Cli.Bench;

/// <summary>
/// What hostile uploads leave behind in a coordinator's memory: a <c>causeway coordinator</c> process on loopback
/// receives N concurrent PushResult bodies of M MiB of garbage from a joined (authenticated) caller, or from an
/// unauthenticated one, and the bench reads the coordinator's resident set (VmRSS of /proc/PID/status) before, right
/// after the uploads, and after a pause with no traffic. Every shape gets a fresh coordinator.
/// </summary>
/// <remarks>
/// Shapes (each a body the coordinator must refuse): <c>random</c> (random bytes); <c>step-reply</c> (a well-formed
/// PushResultRequest for a task the caller was never given, whose <c>step_reply</c> is M MiB of garbage);
/// <c>protected-update</c> (the same as a train result's <c>protected_update</c>); <c>delta</c> (the same as a delta
/// tensor's data); <c>unauthenticated</c> (random bytes without a session token). The bodies are generated while they
/// are sent, so the bench process itself holds 1 MiB per upload.
/// </remarks>
internal static class HostileUploadsBench
{
    public static readonly IReadOnlyList<string> AllShapes = ["random", "step-reply", "protected-update", "delta", "unauthenticated"];

    public sealed record Settings
    {
        /// <summary>Concurrent uploads per shape. Default 6.</summary>
        public int Uploads { get; init; } = 6;

        /// <summary>The size of each upload in MiB. Default 200.</summary>
        public int Mib { get; init; } = 200;

        /// <summary>
        /// How many times the uploads are sent, one burst after the other, to the same coordinator: growth from one burst
        /// to the next is memory kept, while the first burst also pages in code and buffers used once. Default 2.
        /// </summary>
        public int Bursts { get; init; } = 2;

        /// <summary>Seconds without traffic before the last memory reading. Default 10.</summary>
        public double PauseSeconds { get; init; } = 10;

        /// <summary>The shapes to send, each against a fresh coordinator. Default all.</summary>
        public IReadOnlyList<string> Shapes { get; init; } = AllShapes;

        /// <summary>A folder under which each coordinator gets a fresh sub-folder (certificates, database, log), removed afterwards (<see cref="WorkFolder.CreateUnique"/>).</summary>
        public required string WorkDirectory { get; init; }
    }

    /// <summary>One shape's figures; memory in bytes.</summary>
    /// <param name="Shape">The kind of body.</param>
    /// <param name="Statuses">Each upload's HTTP status, all bursts (0: the connection or stream was reset before an answer).</param>
    /// <param name="RssBefore">The coordinator's resident set when the uploads started (joined, idle).</param>
    /// <param name="RssAfterBursts">Right after each burst's last upload was answered.</param>
    /// <param name="RssAfterPause">After <see cref="Settings.PauseSeconds"/> without traffic.</param>
    /// <param name="PeakRss">The coordinator's peak resident set (VmHWM) over its life.</param>
    /// <param name="Seconds">Wall time of the uploads.</param>
    public sealed record Result(string Shape, IReadOnlyList<int> Statuses, long RssBefore, IReadOnlyList<long> RssAfterBursts, long RssAfterPause, long PeakRss, double Seconds)
    {
        /// <summary>Right after the first burst.</summary>
        public long RssAfter => RssAfterBursts[0];

        public JsonObject ToJson() => new()
        {
            ["shape"] = Shape,
            ["statuses"] = new JsonArray([.. Statuses.Select(s => (JsonNode)s)]),
            ["rss_before_mb"] = RssBefore / 1e6,
            ["rss_after_mb"] = RssAfter / 1e6,
            ["rss_after_each_burst_mb"] = new JsonArray([.. RssAfterBursts.Select(r => (JsonNode)(r / 1e6))]),
            ["rss_after_pause_mb"] = RssAfterPause / 1e6,
            ["peak_rss_mb"] = PeakRss / 1e6,
            ["seconds"] = Seconds,
        };
    }

    public static async Task<Result> RunAsync(Settings settings, string shape, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var folder = WorkFolder.CreateUnique(settings.WorkDirectory, "causeway bench hostile-uploads", TimeProvider.System);
        var work = folder.Path;
        try
        {
            var certificates = DevCertificates.CreateDevelopmentSet(Path.Combine(work, "certs"), "causeway-hostile", ["uploader"], TimeSpan.FromDays(1));
            var joinToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            var adminToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            var port = FreePort();
            using var authority = DevCertificates.LoadPem(certificates.CaCertificate);
            using var coordinator = ChildProcess.Start(
                "coordinator",
                ["coordinator", "--listen", $"127.0.0.1:{port}", "--certs", Path.GetDirectoryName(certificates.ServerCertificate)!, "--db", Path.Combine(work, "causeway.db")],
                new Dictionary<string, string> { ["CAUSEWAY_JOIN_TOKEN"] = joinToken, ["CAUSEWAY_ADMIN_TOKEN"] = adminToken },
                Path.Combine(work, "coordinator.log"));
            var address = new Uri($"https://127.0.0.1:{port}/");
            using var api = new ControlApiClient(address, adminToken, authority);
            await WaitForAsync(coordinator, async () => await api.StatusAsync(cancellationToken) is not null, cancellationToken);

            var options = new PartyClientOptions { Coordinator = address, PartyId = "uploader", JoinToken = joinToken, FederationAuthority = authority, RequestTimeout = TimeSpan.FromMinutes(10) };
            using var client = new PartyClient(options);
            if (shape != "unauthenticated")
            {
                await client.JoinAsync(null, cancellationToken);
            }

            // Let start-up garbage settle before the first reading.
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            var before = Memory(coordinator.Id).Rss;
            var clock = Stopwatch.StartNew();
            var statuses = new List<int>();
            var after = new List<long>();
            for (var burst = 0; burst < settings.Bursts; burst++)
            {
                statuses.AddRange(await Task.WhenAll(Enumerable.Range(0, settings.Uploads).Select(i => UploadAsync(client, shape, settings.Mib, seed: i, cancellationToken))));
                after.Add(Memory(coordinator.Id).Rss);
            }

            var seconds = clock.Elapsed.TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(settings.PauseSeconds), cancellationToken);
            var (afterPause, peak) = Memory(coordinator.Id);
            if (coordinator.HasExited)
            {
                throw new InvalidOperationException($"The coordinator stopped during the uploads. Its log ends with:\n{coordinator.Tail()}");
            }

            return new Result(shape, statuses, before, after, afterPause, peak, seconds);
        }
        finally
        {
            // Only the folder this run created.
            folder.Dispose();
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<int> UploadAsync(PartyClient client, string shape, int mib, int seed, CancellationToken cancellationToken)
    {
        using var content = new GarbageContent(shape, (long)mib * 1024 * 1024, seed);
        try
        {
            var (status, _) = await client.PostRawAsync(CausewayProtocol.PushResultPath, content, cancellationToken);
            return (int)status;
        }
        catch (HttpRequestException)
        {
            // The coordinator answered and reset the stream while the body was still being sent.
            return 0;
        }
    }

    // VmRSS and VmHWM of /proc/PID/status, in bytes.
    private static (long Rss, long Peak) Memory(int processId)
    {
        long Field(string[] lines, string name) =>
            long.Parse(lines.First(l => l.StartsWith(name, StringComparison.Ordinal))[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;

        var lines = File.ReadAllLines($"/proc/{processId}/status");
        return (Field(lines, "VmRSS:"), Field(lines, "VmHWM:"));
    }

    private static async Task WaitForAsync(ChildProcess process, Func<Task<bool>> ready, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The coordinator stopped while starting. Its log ends with:\n{process.Tail()}");
            }

            try
            {
                if (await ready())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"The coordinator did not listen within 60 s; see {process.LogPath}.");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A protobuf-framed (or raw) body of pseudo-random bytes, generated while it is sent.</summary>
    private sealed class GarbageContent : HttpContent
    {
        private readonly byte[] _prefix;
        private readonly long _garbage;
        private readonly int _seed;

        public GarbageContent(string shape, long garbage, int seed)
        {
            _garbage = garbage;
            _seed = seed;
            byte[] header = [.. Field(1, Encoding.UTF8.GetBytes("hostile-task")), .. Field(2, Encoding.UTF8.GetBytes("run")), 0x18, 0x01];
            _prefix = shape switch
            {
                "step-reply" => [.. header, .. Tag(7), .. Varint((ulong)garbage)],
                "protected-update" => [.. header, .. Tag(4), .. Varint((ulong)(garbage + 1 + Varint((ulong)garbage).Length)), .. Tag(6), .. Varint((ulong)garbage)],
                "delta" => Delta(header, garbage),
                "random" or "unauthenticated" => [],
                _ => throw new ArgumentException($"Unknown shape '{shape}'; expected one of {string.Join(", ", AllShapes)}.", nameof(shape)),
            };
            Headers.ContentType = new MediaTypeHeaderValue(CausewayProtocol.ContentType);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_prefix);
            var random = new Random(_seed);
            var chunk = new byte[1024 * 1024];
            for (var left = _garbage; left > 0; left -= chunk.Length)
            {
                random.NextBytes(chunk);
                await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, left)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _prefix.Length + _garbage;
            return true;
        }

        // train { delta { tensors { data: garbage } } }
        private static byte[] Delta(byte[] header, long garbage)
        {
            var data = (ulong)garbage;
            var tensor = 1 + (ulong)Varint(data).Length + data;
            var set = 1 + (ulong)Varint(tensor).Length + tensor;
            var train = 1 + (ulong)Varint(set).Length + set;
            return [.. header, .. Tag(4), .. Varint(train), .. Tag(1), .. Varint(set), .. Tag(1), .. Varint(tensor), .. Tag(3), .. Varint(data)];
        }

        private static byte[] Tag(int field) => [(byte)((field << 3) | 2)];

        private static byte[] Field(int field, byte[] value) => [.. Tag(field), .. Varint((ulong)value.Length), .. value];

        private static byte[] Varint(ulong value)
        {
            var bytes = new List<byte>(10);
            do
            {
                var b = (byte)(value & 0x7F);
                value >>= 7;
                bytes.Add(value == 0 ? b : (byte)(b | 0x80));
            }
            while (value != 0);
            return [.. bytes];
        }
    }
}
