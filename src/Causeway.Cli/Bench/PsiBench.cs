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
/// measured in the same run (before and after the PSI; the mean is reported).
/// </summary>
/// <remarks>
/// <c>ids_per_second</c> counts the IDs of both parties (2N) per wall second. Each ID costs one hash-to-curve and two
/// scalar multiplications (its owner's and the peer's), so <c>ids_per_second / (ec_mul_per_second × cores)</c> is at most
/// 0.5 and would reach it only if hashing, point decoding, sorting and messaging were free.
/// </remarks>
internal static class PsiBench
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly TimeSpan ProbeDuration = TimeSpan.FromSeconds(2);

    public sealed record Settings(int Ids, double Overlap, int BatchSize)
    {
        public int Shared => (int)Math.Round(Ids * Overlap);
    }

    public sealed record Result(Settings Settings, string Transport, long Intersection, double Seconds, double CpuSeconds, double EcMulBefore, double EcMulAfter, int Cores)
    {
        public double EcMulPerSecond => (EcMulBefore + EcMulAfter) / 2;

        public double IdsPerSecond => 2.0 * Settings.Ids / Seconds;

        public double Ratio => IdsPerSecond / (EcMulPerSecond * Cores);

        /// <summary>IDs per CPU second of this process: unlike the wall-time ratio, not diluted when other processes share the cores.</summary>
        public double IdsPerCpuSecond => 2.0 * Settings.Ids / CpuSeconds;
    }

    public static Command Create()
    {
        var ids = new Option<int>("--ids") { Description = "IDs per party N.", DefaultValueFactory = _ => 100_000 };
        var overlap = new Option<double>("--overlap") { Description = "Fraction F of the IDs both parties hold (the intersection is round(N·F)).", DefaultValueFactory = _ => 0.5 };
        var batch = new Option<int>("--batch") { Description = "IDs per batch message.", DefaultValueFactory = _ => AlignmentSettings.DefaultBatchSize };
        var report = CliOptions.Report();
        var command = new Command("psi", "Two-party ECDH-PSI on P-256 (libcrypto): seconds and IDs per second against the raw EC_POINT_mul rate of one core.")
        {
            ids, overlap, batch, report,
        };
        command.SetAction(async parse =>
        {
            var settings = new Settings(parse.GetValue(ids), parse.GetValue(overlap), parse.GetValue(batch));
            if (settings.Ids < 1 || !(settings.Overlap is >= 0 and <= 1) || settings.BatchSize < 1)
            {
                Console.Error.WriteLine("bench psi: --ids >= 1, 0 <= --overlap <= 1 and --batch >= 1 are required.");
                return 2;
            }

            var loadBefore = LoadAverage.Read();
            Result result = null!;
            await BenchProgress.StartAsync(progress =>
            {
                result = RunInProcess(settings, progress);
                return Task.CompletedTask;
            });
            var loadAfter = LoadAverage.Read();
            Write(result);
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, new JsonObject
                {
                    ["bench"] = "psi",
                    ["date"] = DateTimeOffset.UtcNow.ToString("u", Invariant),
                    ["transport"] = result.Transport,
                    ["ids"] = settings.Ids,
                    ["overlap"] = settings.Overlap,
                    ["batch"] = settings.BatchSize,
                    ["intersection"] = result.Intersection,
                    ["expected"] = settings.Shared,
                    ["seconds"] = result.Seconds,
                    ["ids_per_second"] = result.IdsPerSecond,
                    ["ids_counted"] = "guest + host (2N)",
                    ["ec_mul_per_second"] = result.EcMulPerSecond,
                    ["ec_mul_per_second_before"] = result.EcMulBefore,
                    ["ec_mul_per_second_after"] = result.EcMulAfter,
                    ["cores"] = result.Cores,
                    ["ids_per_second_over_ec_mul_times_cores"] = result.Ratio,
                    ["cpu_seconds"] = result.CpuSeconds,
                    ["ids_per_cpu_second"] = result.IdsPerCpuSecond,
                    ["ids_per_cpu_second_over_ec_mul"] = result.IdsPerCpuSecond / result.EcMulPerSecond,
                    ["curve"] = "P-256 (libcrypto EC_POINT_mul), RFC 9380 P256_XMD:SHA-256_SSWU_RO_",
                    ["machine"] = MachineInfo.Describe(),
                    ["load_average_before"] = loadBefore,
                    ["load_average_after"] = loadAfter,
                });
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
            using var guest = new PsiGuest(session, PsiGuest.NewState(1), GuestIds(settings), work.FullName);
            using var host = new PsiHost(session, PsiHost.NewState(), HostIds(settings));
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

    /// <summary>The guest's IDs: the shared ones first, then its own; generated lazily (no list of N strings).</summary>
    public static IEnumerable<string> GuestIds(Settings settings) =>
        Enumerable.Range(0, settings.Ids).Select(i => i < settings.Shared ? $"customer-{i:D9}" : $"guest-only-{i:D9}");

    /// <summary>The host's IDs: its own and the shared ones interleaved, so matches are spread over all batches.</summary>
    public static IEnumerable<string> HostIds(Settings settings) =>
        Enumerable.Range(0, settings.Ids).Select(i => IsSharedOnHost(settings, i) is { } shared ? $"customer-{shared:D9}" : $"host-only-{i:D9}");

    private static int? IsSharedOnHost(Settings settings, int i)
    {
        // Row i holds shared ID floor(i·S/N) whenever that index advances: S of the N rows, evenly spread.
        var s = settings.Shared;
        var here = (long)i * s / settings.Ids;
        var next = (long)(i + 1) * s / settings.Ids;
        return next > here ? (int)here : null;
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
        table.AddRow("seconds", result.Seconds.ToString("F1", Invariant));
        table.AddRow("IDs per second (both parties)", result.IdsPerSecond.ToString("N0", Invariant));
        table.AddRow("raw EC_POINT_mul per second, one core", result.EcMulPerSecond.ToString("N0", Invariant));
        table.AddRow(string.Create(Invariant, $"IDs/s / (EC mul/s x {result.Cores} cores)"), result.Ratio.ToString("F3", Invariant));
        table.AddRow("IDs per CPU second / EC mul per second", (result.IdsPerCpuSecond / result.EcMulPerSecond).ToString("F3", Invariant));
        AnsiConsole.Write(table);
    }
}
