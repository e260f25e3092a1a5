using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Causeway.Cli.Output;
using Causeway.Federation.Recommendation.Simulation;
using Causeway.Privacy.SecureAggregation;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// <c>causeway bench secagg</c>: the in-memory secure aggregation protocol (SecAgg, Bonawitz et al. 2017, or SecAgg+,
/// Bell et al. 2020, with <c>--variant</c>) for N parties x P parameters, against plain summation of the same float32
/// vectors in the same run: exactness in Z_2^32, the critical path (slowest party per phase plus the server), and the
/// bytes parties upload compared with sending P x 4 bytes in the clear.
/// </summary>
/// <remarks>
/// The degree k and threshold t come from <see cref="SecureAggregationParameters.Choose"/> for the stated
/// <c>--dropout-rate</c> and <c>--corruption-rate</c> (the same for both variants, so they compare at equal guarantees).
/// All parties run in this process; within a round they run in parallel on every core and the server receives their
/// messages one at a time (masked inputs are folded into its running sum as they arrive). Every party's and the
/// server's time is the CPU time of the thread that did its work (single-threaded, so what it would take on a machine
/// of its own, whatever else shares this one); the whole run's seconds are wall time. <c>--drop-fraction</c> parties
/// vanish, spread evenly over the phases; <c>--dropouts</c> parties send their masked input and then never answer the
/// unmasking round (their inputs stay in the sum, recovered from the survivors' b-shares); <c>--dropouts-before-input</c>
/// parties share keys and then vanish (their inputs are not in the sum, and the server removes their pairwise masks by
/// reconstructing their mask keys). Byte counts use the fixed binary layout documented on each message record (indices
/// and lengths as 4-byte integers); what the server sends each party is trimmed to that party's neighbourhood.
/// </remarks>
internal static class SecAggBench
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The phases a party can vanish after, in protocol order (the consistency round only in authenticated sessions).</summary>
    private enum Phase { Advertise, Share, Input, Consistency, Unmask }

    public sealed record Settings(
        SecureAggregationVariant Variant,
        int Parties,
        int Parameters,
        int Dropouts,
        int DropoutsBeforeInput,
        double DropFraction,
        SecureAggregationParameters Chosen,
        int Seed);

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
        /// <summary>What the parties upload in all, over what they would upload in the clear (P × 4 bytes each).</summary>
        public double BytesRatio => (double)SecureBytesSent / PlainBytesSent;
    }

    public static Command Create()
    {
        var variant = new Option<string>("--variant") { Description = "secagg (every party masks with every other) or secagg+ (a Harary graph of O(log N) neighbours, Bell et al. 2020).", DefaultValueFactory = _ => "secagg" };
        variant.AcceptOnlyFromAmong("secagg", "secagg+");
        var parties = new Option<int>("--parties") { Description = "Parties N.", DefaultValueFactory = _ => 10 };
        var parameters = new Option<int>("--params") { Description = "Parameters per party vector (float32).", DefaultValueFactory = _ => 100_000 };
        var dropoutRate = new Option<double>("--dropout-rate") { Description = "Stated fraction of parties that may drop over a session; chooses the degree k and threshold t.", DefaultValueFactory = _ => 0.1 };
        var corruptionRate = new Option<double>("--corruption-rate") { Description = "Stated fraction of parties that may collude with the coordinator; chooses k and t.", DefaultValueFactory = _ => 0.05 };
        var authenticated = new Option<bool>("--authenticated") { Description = "Signed round-0 keys and the consistency round (a coordinator that may lie)." };
        var dropFraction = new Option<double>("--drop-fraction") { Description = "Fraction of parties that actually drop, spread evenly over the phases (advertise, share, input, consistency, unmask)." };
        var dropouts = new Option<int>("--dropouts") { Description = "Parties that drop after sending their masked input (they do not answer the unmasking round).", DefaultValueFactory = _ => 0 };
        var early = new Option<int>("--dropouts-before-input") { Description = "Parties that drop after sharing keys, before sending their masked input.", DefaultValueFactory = _ => 0 };
        var threshold = new Option<int>("--threshold") { Description = "Shamir threshold t (0: chosen from the stated rates).", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Seed of the generated party vectors (masks and keys always come from the OS CSPRNG).", DefaultValueFactory = _ => 42 };
        var report = CliOptions.Report();
        var command = new Command("secagg", "Secure aggregation (SecAgg or SecAgg+; pairwise masks, Shamir-shared seeds, dropouts) vs plain summation: exactness, critical path and bytes.")
        {
            variant, parties, parameters, dropoutRate, corruptionRate, authenticated, dropFraction, dropouts, early, threshold, seed, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var n = parse.GetValue(parties);
            var kind = parse.GetValue(variant) == "secagg+" ? SecureAggregationVariant.SecAggPlus : SecureAggregationVariant.SecAgg;
            var (chosen, problem) = SecureAggregationParameters.Choose(kind, n, parse.GetValue(dropoutRate), parse.GetValue(corruptionRate), parse.GetValue(authenticated));
            if (chosen is null)
            {
                Console.Error.WriteLine($"bench secagg: {problem}.");
                return 2;
            }

            if (parse.GetValue(threshold) is > 0 and var t)
            {
                chosen = chosen with { Threshold = t };
            }

            var settings = new Settings(kind, n, parse.GetValue(parameters), parse.GetValue(dropouts), parse.GetValue(early), parse.GetValue(dropFraction), chosen, parse.GetValue(seed));
            if (settings.Parameters < 1 || settings.Dropouts < 0 || settings.DropoutsBeforeInput < 0 || settings.DropFraction is < 0 or >= 1
                || settings.Dropouts + settings.DropoutsBeforeInput + (int)(settings.DropFraction * n) > n)
            {
                Console.Error.WriteLine("bench secagg: --params >= 1, 0 <= --drop-fraction < 1, and --dropouts + --dropouts-before-input + the dropped fraction <= --parties are required.");
                return 2;
            }

            var errors = Options(settings).Validate();
            if (errors.Count > 0)
            {
                Console.Error.WriteLine("bench secagg: " + string.Join(" ", errors));
                return 2;
            }

            Console.WriteLine(chosen.Describe());
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
        new($"bench-secagg-{settings.Seed}", settings.Parties, settings.Chosen.Threshold, settings.Parameters, FixedPointQuantization.Default,
            settings.Chosen.OptionsDegree, settings.Chosen.Authenticated);

    public static Result Run(Settings settings, ProgressContext? progress = null)
    {
        var options = Options(settings);
        var graph = options.CreateGraph();
        var n = settings.Parties;
        var p = settings.Parameters;
        var authenticated = options.Authenticated;
        var inputs = Inputs(settings);

        // Without a cap the thread pool injects threads while parties run long, so their wall times overlap and inflate.
        var oneThreadPerCore = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        var lastPhase = DroppedAt(settings, authenticated);
        bool Present(int party, Phase phase) => lastPhase[party] > phase;

        // Plain baseline: the server sums the float32 vectors the parties would send in the clear.
        var contributing = Enumerable.Range(0, n).Where(k => Present(k, Phase.Input)).ToArray();
        var plainSum = new float[p];
        var plainSeconds = CpuSeconds(() =>
        {
            Array.Clear(plainSum);
            foreach (var k in contributing)
            {
                TensorPrimitives.Add(plainSum, inputs[k], plainSum);
            }
        });

        var partySeconds = new double[n];
        var roundMax = new Dictionary<string, double>();
        var roundServer = new Dictionary<string, double>();
        long partyBytes = 0;
        long serverBytes = 0;
        var server = new SecureAggregationServer(options, graph);
        var members = new SecureAggregationParty[n];
        using var identities = authenticated ? new BenchIdentities(n) : null;
        var total = Stopwatch.StartNew();
        SecureAggregationResult outcome;
        try
        {
            outcome = Session();
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

            exact = ring.AsSpan().SequenceEqual(sum) && outcome.Included.SequenceEqual(contributing);
            var decoded = new double[p];
            options.Quantization.Dequantize(sum, decoded);
            maxError = 0;
            for (var i = 0; i < p; i++)
            {
                maxError = Math.Max(maxError, Math.Abs(decoded[i] - plainSum[i]));
            }
        }

        var serverSeconds = roundServer.Values.Sum();
        var plainBytes = (long)contributing.Length * p * sizeof(float);
        return new Result(settings, exact, outcome.Error, outcome.Included.Count, plainSeconds, secureSeconds, serverSeconds, partySeconds,
            roundMax.Values.Sum() + serverSeconds, roundMax, roundServer, partyBytes, plainBytes, serverBytes, maxError);

        SecureAggregationResult Session()
        {
            var advertising = Enumerable.Range(0, n).Where(k => Present(k, Phase.Advertise)).ToArray();
            var advertised = PartyRound("advertise keys", advertising, k =>
            {
                members[k] = new SecureAggregationParty(options, k, identities?.For(k), graph);
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
            if (directory is null)
            {
                return server.Finish();
            }

            var sharing = advertising.Where(k => Present(k, Phase.Share)).ToArray();
            var directories = sharing.ToDictionary(k => k, k => directory.For(graph, k));
            serverBytes += directories.Values.Sum(d => d.EncodedLength);
            var bundles = PartyRound("share keys", sharing, k => members[k].ShareKeys(directories[k]));
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
            if (deliveries is null)
            {
                return server.Finish();
            }

            serverBytes += deliveries.Sum(d => 8 + d.Shares.Sum(s => (long)s.EncodedLength));
            var byParty = deliveries.ToDictionary(d => d.To);
            var masking = deliveries.Select(d => d.To).Where(k => Present(k, Phase.Input)).ToArray();
            var maskTask = progress?.AddTask($"masked inputs ({masking.Length} parties, {p:N0} params)", maxValue: Math.Max(1, masking.Length));
            var roundSeconds = new double[n];
            var serverLock = new object();
            double serverMasked = 0;
            Parallel.For(0, masking.Length, oneThreadPerCore, w =>
            {
                var k = masking[w];
                MaskedInput masked = null!;
                roundSeconds[k] = CpuSeconds(() => masked = members[k].MaskInput(byParty[k], inputs[k]));
                lock (serverLock)
                {
                    partyBytes += masked.EncodedLength;
                    serverMasked += CpuSeconds(() => server.Receive(masked));
                }

                maskTask?.Increment(1);
            });
            Account("masked input", roundSeconds);
            UnmaskingRequest? request = null;
            ServerStep("masked input", () => request = server.CloseInputCollection());
            roundServer["masked input"] += serverMasked;
            if (request is null)
            {
                return server.Finish();
            }

            if (authenticated)
            {
                var signing = request.Survivors.Where(k => Present(k, Phase.Consistency)).ToArray();
                var views = signing.ToDictionary(k => k, k => request.For(graph, k));
                serverBytes += views.Values.Sum(v => v.EncodedLength);
                var signatures = PartyRound("consistency check", signing, k => members[k].ConfirmSurvivors(views[k]));
                UnmaskingRequest? signed = null;
                ServerStep("consistency check", () =>
                {
                    foreach (var signature in signatures)
                    {
                        partyBytes += signature.EncodedLength;
                        server.Receive(signature);
                    }

                    signed = server.CloseConsistencyCheck();
                });
                if (signed is null)
                {
                    return server.Finish();
                }

                request = signed;
            }

            var answering = request.Survivors.Where(k => Present(k, Phase.Unmask) && (!authenticated || Present(k, Phase.Consistency))).ToArray();
            var requests = answering.ToDictionary(k => k, k => request.For(graph, k));
            serverBytes += requests.Values.Sum(r => r.EncodedLength);
            var responses = PartyRound("unmasking", answering, k => members[k].Unmask(requests[k]));
            ServerStep("unmasking", () =>
            {
                foreach (var response in responses)
                {
                    partyBytes += response.EncodedLength;
                    server.Receive(response);
                }
            });

            SecureAggregationResult finished = null!;
            ServerStep("finish (unmask the sum)", () => finished = server.Finish());
            return finished;
        }

        T[] PartyRound<T>(string name, int[] who, Func<int, T> step)
        {
            var task = progress?.AddTask($"{name} ({who.Length} parties)", maxValue: Math.Max(1, who.Length));
            var messages = new T[who.Length];
            var seconds = new double[n];
            Parallel.For(0, who.Length, oneThreadPerCore, w =>
            {
                seconds[who[w]] = CpuSeconds(() => messages[w] = step(who[w]));
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
            roundServer[name] = roundServer.GetValueOrDefault(name) + CpuSeconds(step);
        }
    }

    // For each party, the first phase it misses (one past the last for parties that stay). Dropouts are spread over the
    // index range so they mix low and high indices (both mask signs).
    private static Phase[] DroppedAt(Settings settings, bool authenticated)
    {
        var n = settings.Parties;
        var at = Enumerable.Repeat(Phase.Unmask + 1, n).ToArray();
        var free = new Queue<int>(Enumerable.Range(0, n).OrderBy(k => (k * 7919L) % n));
        Phase[] phases = authenticated ? [Phase.Advertise, Phase.Share, Phase.Input, Phase.Consistency, Phase.Unmask] : [Phase.Advertise, Phase.Share, Phase.Input, Phase.Unmask];
        var spread = (int)(settings.DropFraction * n);
        for (var i = 0; i < spread; i++)
        {
            at[free.Dequeue()] = phases[i % phases.Length];
        }

        for (var i = 0; i < settings.DropoutsBeforeInput; i++)
        {
            at[free.Dequeue()] = Phase.Input;
        }

        for (var i = 0; i < settings.Dropouts; i++)
        {
            at[free.Dequeue()] = Phase.Unmask;
        }

        return at;
    }

    /// <summary>Every party's long-term identity key for an authenticated bench session (the roster parties would take from certificates).</summary>
    private sealed class BenchIdentities : IDisposable
    {
        private readonly ECDsa[] _keys;
        private readonly byte[][] _roster;

        public BenchIdentities(int parties)
        {
            _keys = [.. Enumerable.Range(0, parties).Select(_ => ECDsa.Create(ECCurve.NamedCurves.nistP256))];
            _roster = [.. _keys.Select(k => k.ExportSubjectPublicKeyInfo())];
        }

        public SecureAggregationIdentity For(int party) => new(_keys[party], _roster);

        public void Dispose()
        {
            foreach (var key in _keys)
            {
                key.Dispose();
            }
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

    // A party's or the server's work is single-threaded, so its thread's CPU time is what it would take on a machine of
    // its own, whatever else this shared machine runs; wall time where the kernel does not report thread CPU.
    private static double CpuSeconds(Action action)
    {
        var start = ThreadCpuClock.Now();
        var wall = Time(action);
        return start is { } before && ThreadCpuClock.Now() is { } after ? (after - before) / 1e9 : wall;
    }

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
            ["variant"] = r.Settings.Variant == SecureAggregationVariant.SecAggPlus ? "secagg+" : "secagg",
            ["parties"] = r.Settings.Parties,
            ["params"] = r.Settings.Parameters,
            ["dropouts"] = r.Settings.Dropouts,
            ["dropouts_before_input"] = r.Settings.DropoutsBeforeInput,
            ["drop_fraction"] = r.Settings.DropFraction,
            ["threshold"] = r.Settings.Chosen.Threshold,
            ["degree"] = r.Settings.Chosen.Degree,
            ["authenticated"] = r.Settings.Chosen.Authenticated,
            ["stated_dropout_rate"] = r.Settings.Chosen.DropoutRate,
            ["stated_corruption_rate"] = r.Settings.Chosen.CorruptionRate,
            ["privacy_failure_bound"] = r.Settings.Chosen.PrivacyFailure,
            ["correctness_failure_bound"] = r.Settings.Chosen.CorrectnessFailure,
            ["parameters"] = r.Settings.Chosen.Describe(),
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
            ["critical_path_seconds"] = r.CriticalPathSeconds,
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
            ["party_upload_ratio"] = r.BytesRatio,
            ["server_bytes_sent"] = r.ServerBytesSent,
            ["cores"] = Environment.ProcessorCount,
        };
    }

    private static void Write(Result r, string? loadBefore, string? loadAfter)
    {
        var s = r.Settings;
        var variant = s.Variant == SecureAggregationVariant.SecAggPlus ? "SecAgg+" : "SecAgg";
        var table = new Table().Title(string.Create(Invariant, $"{variant}: {s.Parties} parties x {s.Parameters:N0} params, k = {s.Chosen.Degree}, t = {s.Chosen.Threshold}{(s.Chosen.Authenticated ? ", authenticated" : "")}"))
            .AddColumns("measure", "value");
        table.AddRow("exact (recovered ring sum = plaintext ring sum)", r.Exact ? "[green]true[/]" : Markup.Escape($"false {r.Error}"));
        table.AddRow("inputs in the sum", r.Included.ToString(Invariant));
        table.AddRow("P(privacy failure) / P(sum lost), bounds", string.Create(Invariant, $"{s.Chosen.PrivacyFailure:E1} / {s.Chosen.CorrectnessFailure:E1}"));
        table.AddRow("plain summation (float32)", Seconds(r.PlainSeconds));
        table.AddRow("secure, whole in-memory run (all parties on this machine)", Seconds(r.SecureSeconds));
        table.AddRow("secure, critical path (slowest party per phase + server, CPU)", Seconds(r.CriticalPathSeconds));
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

        table.AddRow("bytes parties upload: secure / plain (party_upload_ratio)", string.Create(Invariant, $"{r.SecureBytesSent / 1e6:F2} MB / {r.PlainBytesSent / 1e6:F2} MB = {r.BytesRatio:F4}x"));
        table.AddRow("bytes sent by the server (directories, shares, requests)", string.Create(Invariant, $"{r.ServerBytesSent / 1e6:F2} MB"));
        table.AddRow("max |decoded − float sum|", double.IsNaN(r.MaxAbsError) ? "-" : r.MaxAbsError.ToString("E2", Invariant));
        table.AddRow("load average before / after", Markup.Escape($"{loadBefore ?? "-"} / {loadAfter ?? "-"}"));
        AnsiConsole.Write(table);
    }

    private static string Seconds(double value) => value.ToString("F3", Invariant) + " s";
}
