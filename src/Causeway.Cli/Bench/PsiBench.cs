using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Output;
using Causeway.Federation.Vertical.Alignment;
using Causeway.Privacy.Psi;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// <c>causeway bench psi</c>: two-party ECDH-PSI (reveal to all) of N guest IDs against N host IDs sharing a fraction
/// F, against the raw P-256 variable-base scalar multiplication rate of libcrypto's <c>EC_POINT_mul</c> on one core,
/// measured in the same run (before and after the PSI; the mean is reported). By default the PSI runs over the network:
/// a guest and a host <c>causeway party</c> process relayed by a <c>causeway coordinator</c> process (HTTP/2 + TLS on
/// loopback) as a PSI-only vertical job; <c>--in-process</c> runs both parties in this process instead.
/// </summary>
/// <remarks>
/// <c>ids_per_second</c> counts the IDs of both parties (2N) per second of PSI (over the network: the coordinator's
/// <c>result.alignment.seconds</c>, from opening the session to the last host's result). Each ID costs one
/// hash-to-curve and two scalar multiplications (its owner's and the peer's), so
/// <c>ids_per_second / (ec_mul_per_second × cores)</c> is at most 0.5 and would reach it only if hashing, point
/// decoding, sorting and messaging were free.
/// </remarks>
internal static partial class PsiBench
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly TimeSpan ProbeDuration = TimeSpan.FromSeconds(2);

    public sealed record Settings(int Ids, double Overlap, int BatchSize)
    {
        public int Shared => (int)Math.Round(Ids * Overlap);
    }

    /// <summary>One PSI measured.</summary>
    /// <param name="Settings">What ran.</param>
    /// <param name="Transport">"http2" (party processes relayed by a coordinator process) or "in-process".</param>
    /// <param name="Intersection">The intersection the guest found.</param>
    /// <param name="Seconds">The PSI's wall time.</param>
    /// <param name="CpuSeconds">CPU time over the PSI: of this process, or of the coordinator and party processes.</param>
    /// <param name="EcMulBefore">Raw EC_POINT_mul per second on one core before the PSI.</param>
    /// <param name="EcMulAfter">The same, after.</param>
    /// <param name="Cores">The machine's processor count.</param>
    /// <param name="Network">Over the network: the relayed bytes, the wall time with process start and each process's use; null in-process.</param>
    public sealed record Result(
        Settings Settings, string Transport, long Intersection, double Seconds, double CpuSeconds, double EcMulBefore, double EcMulAfter, int Cores, NetworkRun? Network = null)
    {
        public double EcMulPerSecond => (EcMulBefore + EcMulAfter) / 2;

        public double IdsPerSecond => 2.0 * Settings.Ids / Seconds;

        public double Ratio => IdsPerSecond / (EcMulPerSecond * Cores);

        /// <summary>IDs per CPU second: unlike the wall-time ratio, not diluted when other processes share the cores.</summary>
        public double IdsPerCpuSecond => 2.0 * Settings.Ids / CpuSeconds;
    }

    public static Command Create()
    {
        var ids = new Option<int>("--ids") { Description = "IDs per party N.", DefaultValueFactory = _ => 100_000 };
        var overlap = new Option<double>("--overlap") { Description = "Fraction F of the IDs both parties hold (the intersection is round(N·F)).", DefaultValueFactory = _ => 0.5 };
        var batch = new Option<int>("--batch") { Description = "IDs per batch message.", DefaultValueFactory = _ => AlignmentSettings.DefaultBatchSize };
        var inProcess = new Option<bool>("--in-process") { Description = "Run both parties in this process (no coordinator, no network)." };
        var report = CliOptions.Report();
        var command = new Command(
            "psi",
            "Two-party ECDH-PSI on P-256 (libcrypto) between a guest and a host party process relayed by a coordinator over HTTP/2 on loopback: seconds and IDs per second against the raw EC_POINT_mul rate of one core.")
        {
            ids, overlap, batch, inProcess, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new Settings(parse.GetValue(ids), parse.GetValue(overlap), parse.GetValue(batch));
            if (settings.Ids < 1 || !(settings.Overlap is >= 0 and <= 1) || settings.BatchSize is < 1 or > 1 << 20)
            {
                Console.Error.WriteLine("bench psi: --ids >= 1, 0 <= --overlap <= 1 and 1 <= --batch <= 1048576 are required.");
                return 2;
            }

            var loadBefore = LoadAverage.Read();
            Result result = null!;
            try
            {
                await BenchProgress.StartAsync(async progress => result = parse.GetValue(inProcess)
                    ? RunInProcess(settings, progress)
                    : await RunOverNetworkAsync(settings, progress, cancellationToken));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
            {
                // The message names the process or the job that failed and where its logs are.
                Console.Error.WriteLine($"bench psi: {e.Message}");
                return 1;
            }

            var loadAfter = LoadAverage.Read();
            Write(result);
            if (parse.GetValue(report) is { } file)
            {
                var json = BenchReport.Create("psi", loadBefore, loadAfter, new JsonObject
                {
                    ["transport"] = result.Transport,
                    ["ids"] = settings.Ids,
                    ["overlap"] = settings.Overlap,
                    ["batch"] = settings.BatchSize,
                    ["intersection"] = result.Intersection,
                    ["expected"] = settings.Shared,
                    ["seconds"] = result.Seconds,
                    ["seconds_measured"] = result.Network is null ? "PSI in this process" : "PSI at the coordinator (result.alignment.seconds), without process start",
                    ["ids_per_second"] = result.IdsPerSecond,
                    ["ids_counted"] = "guest + host (2N)",
                    ["ec_mul_per_second"] = result.EcMulPerSecond,
                    ["ec_mul_per_second_before"] = result.EcMulBefore,
                    ["ec_mul_per_second_after"] = result.EcMulAfter,
                    ["cores"] = result.Cores,
                    ["ids_per_second_over_ec_mul_times_cores"] = result.Ratio,
                    ["cpu_seconds"] = result.CpuSeconds,
                    ["cpu_seconds_of"] = result.Network is null ? "this process" : "coordinator + guest + host processes, during the job",
                    ["ids_per_cpu_second"] = result.IdsPerCpuSecond,
                    ["ids_per_cpu_second_over_ec_mul"] = result.IdsPerCpuSecond / result.EcMulPerSecond,
                    ["curve"] = "P-256 (libcrypto EC_POINT_mul), RFC 9380 P256_XMD:SHA-256_SSWU_RO_",
                });
                result.Network?.AddTo(json);
                ReportFile.Write(file.FullName, json);
            }

            return result.Intersection == settings.Shared ? 0 : 1;
        });
        return command;
    }

    /// <summary>Both parties in this process, relayed in memory (no network).</summary>
    public static Result RunInProcess(Settings settings, ProgressContext? progress = null)
    {
        var before = MeasureEcMul(progress, "raw EC_POINT_mul, one core (before)");
        var session = new AlignmentSettings(AlignmentSettings.NewSalt(), AlignmentMode.RevealToAll, settings.BatchSize);
        var work = Directory.CreateTempSubdirectory("causeway-psi-bench-");
        var task = progress?.AddTask(Markup.Escape($"PSI in-process: {settings.Ids:N0} x {settings.Ids:N0} IDs, overlap {settings.Overlap:P0}"), maxValue: 2.0 * settings.Ids);
        GuestAlignmentResult outcome;
        var cpuStart = Environment.CpuUsage.TotalTime;
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var guest = new PsiGuest(session, PsiGuest.NewState(1), Ids(settings, guest: true), work.FullName);
            using var host = new PsiHost(session, PsiHost.NewState(), Ids(settings, guest: false));
            var relay = new PsiLocalRelay(guest, [host]) { Progress = new Progress<long>(done => task?.Value = done) };
            outcome = relay.Run(guestIntersection: null).Guest;
        }
        finally
        {
            work.Delete(recursive: true);
        }

        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var cpuSeconds = (Environment.CpuUsage.TotalTime - cpuStart).TotalSeconds;
        task?.Value = 2.0 * settings.Ids;
        var after = MeasureEcMul(progress, "raw EC_POINT_mul, one core (after)");
        return new Result(settings, "in-process", outcome.Intersection, seconds, cpuSeconds, before, after, Environment.ProcessorCount);
    }

    /// <summary>
    /// The guest's or the host's N IDs in a shuffled order fixed per party: the round(N·F) shared IDs <c>customer-i</c> and N − round(N·F)
    /// of its own (<c>guest-only-i</c> or <c>host-only-i</c>), so matches are spread over all batches. Generated lazily
    /// (4 bytes per ID for the order, no list of N strings) and the same on every enumeration.
    /// </summary>
    public static IEnumerable<string> Ids(Settings settings, bool guest)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var order = new int[settings.Ids];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        new Random(guest ? 1 : 2).Shuffle(order);
        var own = guest ? "guest-only" : "host-only";
        return order.Select(i => i < settings.Shared ? $"customer-{i:D9}" : $"{own}-{i:D9}");
    }

    private static double MeasureEcMul(ProgressContext? progress, string description)
    {
        var task = progress?.AddTask(Markup.Escape(description), maxValue: 1);
        using var key = PsiKey.Generate();
        using var cipher = new EcdhPsiCipher(key, AlignmentSettings.NewSalt(), degreeOfParallelism: 1);
        var start = Stopwatch.GetTimestamp();
        var count = cipher.MeasureMultiplications(ProbeDuration);
        var rate = count / Stopwatch.GetElapsedTime(start).TotalSeconds;
        task?.Value = 1;
        return rate;
    }

    private static void Write(Result result)
    {
        var s = result.Settings;
        var table = new Table()
            .Title(string.Create(Invariant, $"ECDH-PSI on P-256, {s.Ids:N0} x {s.Ids:N0} IDs, overlap {s.Overlap:P0}, transport: {result.Transport}"))
            .AddColumns("measure", "value");
        table.AddRow("intersection found / expected", string.Create(Invariant, $"{result.Intersection:N0} / {s.Shared:N0}"));
        table.AddRow(result.Network is null ? "seconds" : "seconds (PSI at the coordinator)", result.Seconds.ToString("F1", Invariant));
        if (result.Network is { } network)
        {
            table.AddRow("seconds with process start", network.WallSeconds.ToString("F1", Invariant));
            table.AddRow("MB relayed by the coordinator", (network.RelayedBytes / 1e6).ToString("F1", Invariant));
            foreach (var process in network.Processes)
            {
                table.AddRow(Markup.Escape($"peak RSS / CPU s, {process.Name}"), string.Create(Invariant, $"{process.PeakResidentBytes / 1e6:F0} MB / {process.CpuSeconds:F1}"));
            }
        }

        table.AddRow("IDs per second (both parties)", result.IdsPerSecond.ToString("N0", Invariant));
        table.AddRow("raw EC_POINT_mul per second, one core", result.EcMulPerSecond.ToString("N0", Invariant));
        table.AddRow(string.Create(Invariant, $"IDs/s / (EC mul/s x {result.Cores} cores)"), result.Ratio.ToString("F3", Invariant));
        table.AddRow("IDs per CPU second / EC mul per second", (result.IdsPerCpuSecond / result.EcMulPerSecond).ToString("F3", Invariant));
        AnsiConsole.Write(table);
    }
}
