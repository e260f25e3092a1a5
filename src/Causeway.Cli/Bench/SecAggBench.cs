using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using Causeway.Cli.Output;
using Causeway.Privacy.SecureAggregation;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// <c>causeway bench secagg</c>: the in-memory secure aggregation protocol (Bonawitz et al. 2017) for N parties x P
/// parameters, against plain summation of the same float32 vectors in the same run: exactness in Z_2^32, seconds per
/// party and for the server, and the bytes parties send compared with sending P x 4 bytes in the clear.
/// </summary>
/// <remarks>
/// All parties run in this process; within a round they run in parallel on every core and the server receives their
/// messages one at a time (masked inputs are folded into its running sum as they arrive). <c>--dropouts</c> parties send
/// their masked input and then never answer the unmasking round (their inputs stay in the sum, recovered from the
/// survivors' b-shares); <c>--dropouts-before-input</c> parties share keys and then vanish (their inputs are not in
/// the sum, and the server removes their pairwise masks by reconstructing their mask keys). Byte counts use the
/// fixed binary layout documented on each message record (indices and lengths as 4-byte integers).
/// </remarks>
internal static class SecAggBench
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public sealed record Settings(int Parties, int Parameters, int Dropouts, int DropoutsBeforeInput, int Threshold, int Seed);

    public sealed record Result(
        Settings Settings,
        bool Exact,
        string? Error,
        int Included,
        double PlainSeconds,
        double SecureSeconds,
        double ServerSeconds,
        double[] PartySeconds,
        double CriticalPathSeconds,
        IReadOnlyDictionary<string, double> RoundPartyMaxSeconds,
        IReadOnlyDictionary<string, double> RoundServerSeconds,
        long SecureBytesSent,
        long PlainBytesSent,
        long ServerBytesSent,
        double MaxAbsError)
    {
        public double BytesRatio => (double)SecureBytesSent / PlainBytesSent;
    }

    public static Command Create()
    {
        var parties = new Option<int>("--parties") { Description = "Parties N.", DefaultValueFactory = _ => 10 };
        var parameters = new Option<int>("--params") { Description = "Parameters per party vector (float32).", DefaultValueFactory = _ => 100_000 };
        var dropouts = new Option<int>("--dropouts") { Description = "Parties that drop after sending their masked input (they do not answer the unmasking round).", DefaultValueFactory = _ => 0 };
        var early = new Option<int>("--dropouts-before-input") { Description = "Parties that drop after sharing keys, before sending their masked input.", DefaultValueFactory = _ => 0 };
        var threshold = new Option<int>("--threshold") { Description = "Shamir threshold t (0: a strict majority, N/2 + 1).", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Seed of the generated party vectors (masks and keys always come from the OS CSPRNG).", DefaultValueFactory = _ => 42 };
        var report = CliOptions.Report();
        var command = new Command("secagg", "Secure aggregation (pairwise masks, Shamir-shared seeds, dropouts) vs plain summation: exactness, seconds and bytes.")
        {
            parties, parameters, dropouts, early, threshold, seed, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var n = parse.GetValue(parties);
            var t = parse.GetValue(threshold);
            var settings = new Settings(n, parse.GetValue(parameters), parse.GetValue(dropouts), parse.GetValue(early), t == 0 ? SecureAggregationOptions.MajorityThreshold(n) : t, parse.GetValue(seed));
            if (n < 2 || settings.Parameters < 1 || settings.Dropouts < 0 || settings.DropoutsBeforeInput < 0 || settings.Dropouts + settings.DropoutsBeforeInput > n)
            {
                Console.Error.WriteLine("bench secagg: --parties >= 2, --params >= 1 and 0 <= --dropouts + --dropouts-before-input <= --parties are required.");
                return 2;
            }

            var errors = Options(settings).Validate();
            if (errors.Count > 0)
            {
                Console.Error.WriteLine("bench secagg: " + string.Join(" ", errors));
                return 2;
            }

            var loadBefore = LoadAverage.Read();
            Result result = null!;
            await BenchProgress.StartAsync(progress =>
            {
                result = Run(settings, progress);
                return Task.CompletedTask;
            });
            var loadAfter = LoadAverage.Read();
            Write(result, loadBefore, loadAfter);
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("secagg", loadBefore, loadAfter, ToJson(result)));
            }

            return result.Exact ? 0 : 1;
        });
        return command;
    }

    public static SecureAggregationOptions Options(Settings settings) =>
        new($"bench-secagg-{settings.Seed}", settings.Parties, settings.Threshold, settings.Parameters, FixedPointQuantization.Default);

    public static Result Run(Settings settings, ProgressContext? progress = null)
    {
        var options = Options(settings);
        var n = settings.Parties;
        var p = settings.Parameters;
        var inputs = Inputs(settings);

        // Without a cap the thread pool injects threads while parties run long, so their wall times overlap and inflate.
        var oneThreadPerCore = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };

        // Dropouts are spread over the index range so they mix low and high indices (both mask signs).
        var before = Spread(n, settings.DropoutsBeforeInput, offset: 0);
        var after = Spread(n, settings.Dropouts, offset: 1).Where(i => !before.Contains(i)).ToHashSet();
        while (after.Count < settings.Dropouts)
        {
            after.Add(Enumerable.Range(0, n).First(i => !before.Contains(i) && !after.Contains(i)));
        }

        // Plain baseline: the server sums the float32 vectors the parties would send in the clear.
        var plainSum = new float[p];
        var plainSeconds = Time(() =>
        {
            Array.Clear(plainSum);
            for (var k = 0; k < n; k++)
            {
                if (!before.Contains(k))
                {
                    TensorPrimitives.Add(plainSum, inputs[k], plainSum);
                }
            }
        });

        var partySeconds = new double[n];
        var roundMax = new Dictionary<string, double>();
        var roundServer = new Dictionary<string, double>();
        long partyBytes = 0;
        long serverBytes = 0;
        var server = new SecureAggregationServer(options);
        var members = new SecureAggregationParty[n];
        var total = Stopwatch.StartNew();
        SecureAggregationResult outcome;
        try
        {
            var advertised = PartyRound("advertise keys", Enumerable.Range(0, n).ToArray(), k =>
            {
                members[k] = new SecureAggregationParty(options, k);
                return members[k].Advertise();
            });
            KeyDirectory? directory = null;
            ServerStep("advertise keys", () =>
            {
                foreach (var message in advertised)
                {
                    partyBytes += message.EncodedLength;
                    server.Receive(message);
                }

                directory = server.CloseAdvertising();
            });
            serverBytes += (long)n * directory!.Keys.Sum(k => (long)k.EncodedLength);

            var bundles = PartyRound("share keys", Enumerable.Range(0, n).ToArray(), k => members[k].ShareKeys(directory));
            IReadOnlyList<ShareDelivery>? deliveries = null;
            ServerStep("share keys", () =>
            {
                foreach (var bundle in bundles)
                {
                    partyBytes += bundle.EncodedLength;
                    server.Receive(bundle);
                }

                deliveries = server.CloseSharing();
            });
            serverBytes += deliveries!.Sum(d => 8 + d.Shares.Sum(s => (long)s.EncodedLength));

            var maskTask = progress?.AddTask($"masked inputs ({p:N0} params)", maxValue: n);
            var roundSeconds = new double[n];
            var serverLock = new object();
            double serverMasked = 0;
            Parallel.For(0, n, oneThreadPerCore, k =>
            {
                var start = Stopwatch.GetTimestamp();
                var masked = members[k].MaskInput(deliveries![k], inputs[k]);
                roundSeconds[k] = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (!before.Contains(k))
                {
                    lock (serverLock)
                    {
                        var received = Stopwatch.GetTimestamp();
                        partyBytes += masked.EncodedLength;
                        server.Receive(masked);
                        serverMasked += Stopwatch.GetElapsedTime(received).TotalSeconds;
                    }
                }

                maskTask?.Increment(1);
            });
            Account("masked input", roundSeconds);
            UnmaskingRequest? request = null;
            ServerStep("masked input", () => request = server.CloseInputCollection());
            roundServer["masked input"] += serverMasked;

            if (request is not null)
            {
                serverBytes += request.Survivors.Count * (4L + (4L * request.Survivors.Count));
                var answering = request.Survivors.Where(k => !after.Contains(k)).ToArray();
                var responses = PartyRound("unmasking", answering, k => members[k].Unmask(request));
                ServerStep("unmasking", () =>
                {
                    foreach (var response in responses)
                    {
                        partyBytes += response.EncodedLength;
                        server.Receive(response);
                    }
                });
            }

            SecureAggregationResult finished = null!;
            ServerStep("finish (unmask the sum)", () => finished = server.Finish());
            outcome = finished;
        }
        finally
        {
            foreach (var member in members)
            {
                member?.Dispose();
            }
        }

        var secureSeconds = total.Elapsed.TotalSeconds;
        var exact = false;
        var maxError = double.NaN;
        if (outcome.Sum is { } sum)
        {
            var ring = new uint[p];
            var quantised = new uint[p];
            foreach (var k in outcome.Included)
            {
                options.Quantization.Quantize(inputs[k], quantised);
                TensorPrimitives.Add(ring, quantised, ring);
            }

            exact = ring.AsSpan().SequenceEqual(sum);
            var decoded = new double[p];
            options.Quantization.Dequantize(sum, decoded);
            maxError = 0;
            for (var i = 0; i < p; i++)
            {
                maxError = Math.Max(maxError, Math.Abs(decoded[i] - plainSum[i]));
            }
        }

        var serverSeconds = roundServer.Values.Sum();
        var plainBytes = (long)(n - before.Count) * p * sizeof(float);
        return new Result(settings, exact, outcome.Error, outcome.Included.Count, plainSeconds, secureSeconds, serverSeconds, partySeconds,
            roundMax.Values.Sum() + serverSeconds, roundMax, roundServer, partyBytes, plainBytes, serverBytes, maxError);

        T[] PartyRound<T>(string name, int[] who, Func<int, T> step)
        {
            var task = progress?.AddTask($"{name} ({who.Length} parties)", maxValue: Math.Max(1, who.Length));
            var messages = new T[who.Length];
            var seconds = new double[n];
            Parallel.For(0, who.Length, oneThreadPerCore, w =>
            {
                var start = Stopwatch.GetTimestamp();
                messages[w] = step(who[w]);
                seconds[who[w]] = Stopwatch.GetElapsedTime(start).TotalSeconds;
                task?.Increment(1);
            });
            Account(name, seconds);
            return messages;
        }

        void Account(string name, double[] seconds)
        {
            for (var k = 0; k < n; k++)
            {
                partySeconds[k] += seconds[k];
            }

            roundMax[name] = seconds.Max();
        }

        void ServerStep(string name, Action step)
        {
            var elapsed = Time(step);
            roundServer[name] = roundServer.GetValueOrDefault(name) + elapsed;
        }
    }

    private static float[][] Inputs(Settings settings)
    {
        // Bench data, not secrets: a seeded generator keeps the vectors reproducible.
        var random = new Random(settings.Seed);
        var inputs = new float[settings.Parties][];
        for (var k = 0; k < inputs.Length; k++)
        {
            var values = new float[settings.Parameters];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)(random.NextDouble() - 0.5);
            }

            inputs[k] = values;
        }

        return inputs;
    }

    private static HashSet<int> Spread(int n, int count, int offset) =>
        count == 0 ? [] : [.. Enumerable.Range(0, count).Select(i => (int)(((long)i * n / count) + offset) % n)];

    private static double Time(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static JsonObject ToJson(Result r)
    {
        var party = r.PartySeconds;
        var sorted = party.Order().ToArray();
        return new JsonObject
        {
            ["parties"] = r.Settings.Parties,
            ["params"] = r.Settings.Parameters,
            ["dropouts"] = r.Settings.Dropouts,
            ["dropouts_before_input"] = r.Settings.DropoutsBeforeInput,
            ["threshold"] = r.Settings.Threshold,
            ["ring"] = "Z_2^32",
            ["quantization_scale"] = FixedPointQuantization.Default.Scale,
            ["quantization_clip"] = FixedPointQuantization.Default.ClipBound,
            ["included"] = r.Included,
            ["exact"] = r.Exact,
            ["error"] = r.Error,
            ["max_abs_error_vs_float_sum"] = double.IsNaN(r.MaxAbsError) ? null : r.MaxAbsError,
            ["plain_seconds"] = r.PlainSeconds,
            ["secure_seconds"] = r.SecureSeconds,
            ["secure_critical_path_seconds"] = r.CriticalPathSeconds,
            ["server_seconds"] = r.ServerSeconds,
            ["party_seconds_mean"] = party.Average(),
            ["party_seconds_median"] = sorted[sorted.Length / 2],
            ["party_seconds_max"] = sorted[^1],
            ["party_seconds"] = new JsonArray([.. party.Select(s => (JsonNode?)JsonValue.Create(s))]),
            ["round_party_max_seconds"] = new JsonObject(r.RoundPartyMaxSeconds.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))),
            ["round_server_seconds"] = new JsonObject(r.RoundServerSeconds.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))),
            ["secure_bytes_sent"] = r.SecureBytesSent,
            ["plain_bytes_sent"] = r.PlainBytesSent,
            ["bytes_ratio"] = r.BytesRatio,
            ["server_bytes_sent"] = r.ServerBytesSent,
            ["cores"] = Environment.ProcessorCount,
        };
    }

    private static void Write(Result r, string? loadBefore, string? loadAfter)
    {
        var s = r.Settings;
        var table = new Table().Title(string.Create(Invariant, $"Secure aggregation: {s.Parties} parties x {s.Parameters:N0} params, t = {s.Threshold}, {s.Dropouts} dropouts after input, {s.DropoutsBeforeInput} before"))
            .AddColumns("measure", "value");
        table.AddRow("exact (recovered ring sum = plaintext ring sum)", r.Exact ? "[green]true[/]" : Markup.Escape($"false {r.Error}"));
        table.AddRow("inputs in the sum", r.Included.ToString(Invariant));
        table.AddRow("plain summation (float32)", Seconds(r.PlainSeconds));
        table.AddRow("secure, whole in-memory run (all parties on this machine)", Seconds(r.SecureSeconds));
        table.AddRow("secure, critical path (slowest party per round + server)", Seconds(r.CriticalPathSeconds));
        table.AddRow("server", Seconds(r.ServerSeconds));
        table.AddRow("per party: mean / max", $"{Seconds(r.PartySeconds.Average())} / {Seconds(r.PartySeconds.Max())}");
        foreach (var (round, seconds) in r.RoundPartyMaxSeconds)
        {
            table.AddRow($"  slowest party, {round}", Seconds(seconds));
        }

        foreach (var (round, seconds) in r.RoundServerSeconds)
        {
            table.AddRow($"  server, {round}", Seconds(seconds));
        }

        table.AddRow("bytes sent by parties: secure / plain", string.Create(Invariant, $"{r.SecureBytesSent / 1e6:F2} MB / {r.PlainBytesSent / 1e6:F2} MB = {r.BytesRatio:F4}x"));
        table.AddRow("bytes sent by the server (directory, shares, request)", string.Create(Invariant, $"{r.ServerBytesSent / 1e6:F2} MB"));
        table.AddRow("max |decoded − float sum|", double.IsNaN(r.MaxAbsError) ? "-" : r.MaxAbsError.ToString("E2", Invariant));
        table.AddRow("load average before / after", Markup.Escape($"{loadBefore ?? "-"} / {loadAfter ?? "-"}"));
        AnsiConsole.Write(table);
    }

    private static string Seconds(double value) => value.ToString("F3", Invariant) + " s";
}
