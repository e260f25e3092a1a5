using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Output;
using Causeway.Federation.Vertical.Training;
using Causeway.Privacy.Paillier;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// <c>causeway bench vertical</c>: seconds per epoch of vertical logistic regression (one guest, one host) on synthetic
/// rows, without encryption and (with <c>--encrypted</c>) with Paillier and an arbiter. An encrypted epoch over many rows
/// takes long, so it is measured on the first <c>--sample-rows</c> rows of the epoch and extrapolated linearly (the
/// per-batch cost is linear in rows; the per-batch decryptions are a constant that the extrapolation scales with the
/// batch count). The report says which figures are extrapolated.
/// </summary>
internal static class VerticalBench
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var rows = new Option<int>("--rows") { Description = "Aligned rows.", DefaultValueFactory = _ => 100_000 };
        var guestFeatures = new Option<int>("--guest-features") { Description = "Features at the guest.", DefaultValueFactory = _ => 30 };
        var hostFeatures = new Option<int>("--host-features") { Description = "Features at the host.", DefaultValueFactory = _ => 300 };
        var encrypted = new Option<bool>("--encrypted") { Description = "Also time the Paillier-encrypted protocol (arbiter mode)." };
        var batchSize = new Option<int>("--batch-size") { Description = "Rows per mini-batch.", DefaultValueFactory = _ => 2048 };
        var sampleRows = new Option<int>("--sample-rows") { Description = "Rows of the encrypted epoch actually run (whole batches); the epoch time is extrapolated from them.", DefaultValueFactory = _ => 4096 };
        var keyBits = new Option<int>("--key-bits") { Description = "Paillier modulus bits (2048 to 8192).", DefaultValueFactory = _ => PaillierPublicKey.DefaultBits };
        var report = CliOptions.Report();
        var command = new Command("vertical", "Seconds per epoch of vertical logistic regression (guest + host), plain and Paillier-encrypted.")
        {
            rows, guestFeatures, hostFeatures, encrypted, batchSize, sampleRows, keyBits, report,
        };
        command.SetAction(parse =>
        {
            var settings = new Settings(parse.GetValue(rows), parse.GetValue(guestFeatures), parse.GetValue(hostFeatures), parse.GetValue(batchSize), parse.GetValue(sampleRows), parse.GetValue(keyBits));
            if (settings.Rows < 1 || settings.GuestFeatures < 1 || settings.HostFeatures < 1 || settings.BatchSize < 1 || settings.SampleRows < 1)
            {
                Console.Error.WriteLine("bench vertical: --rows, --guest-features, --host-features, --batch-size and --sample-rows must be at least 1.");
                return 2;
            }

            var loadBefore = LoadAverage.Read();
            var results = new List<Measurement> { Measure(settings, encrypt: false) };
            if (parse.GetValue(encrypted))
            {
                results.Add(Measure(settings, encrypt: true));
            }

            var loadAfter = LoadAverage.Read();
            (double Encryptions, double Additions)? rates = parse.GetValue(encrypted) ? PaillierRates(settings.KeyBits) : null;
            var table = new Table().AddColumns("protocol", "rows run", "seconds run", "seconds per epoch", "how");
            foreach (var r in results)
            {
                table.AddRow(r.Protocol, r.RowsRun.ToString("N0", Invariant), r.SecondsRun.ToString("F2", Invariant), r.SecondsPerEpoch.ToString("F1", Invariant), r.Extrapolated ? $"extrapolated x{(double)settings.Rows / r.RowsRun:F1}" : "measured");
            }

            AnsiConsole.Write(table);
            foreach (var r in results)
            {
                var p = r.Phases;
                Console.WriteLine(string.Create(
                    Invariant,
                    $"{r.Protocol}, seconds of the {r.RowsRun:N0} rows run: host scores {p.HostScores.TotalSeconds:F2}, guest residual {p.GuestResidual.TotalSeconds:F2}, host gradients {p.HostGradients.TotalSeconds:F2}, guest gradient {p.GuestGradient.TotalSeconds:F2}, decryption {p.Decryption.TotalSeconds:F2}, steps {p.Steps.TotalSeconds:F2}"));
            }

            if (rates is { } measured)
            {
                Console.WriteLine($"same run, one core: Paillier-{settings.KeyBits} encryptions/s {measured.Encryptions:F0}, homomorphic additions/s {measured.Additions:F0}");
            }
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("vertical", loadBefore, loadAfter, new JsonObject
                {
                    ["cores"] = Environment.ProcessorCount,
                    ["rows"] = settings.Rows,
                    ["guest_features"] = settings.GuestFeatures,
                    ["host_features"] = settings.HostFeatures,
                    ["batch_size"] = settings.BatchSize,
                    ["encrypt_per_second_one_core"] = rates?.Encryptions,
                    ["add_per_second_one_core"] = rates?.Additions,
                    ["results"] = new JsonArray([.. results.Select(r => (JsonNode)new JsonObject
                    {
                        ["protocol"] = r.Protocol,
                        ["rows_run"] = r.RowsRun,
                        ["seconds_run"] = r.SecondsRun,
                        ["seconds_per_epoch"] = r.SecondsPerEpoch,
                        ["extrapolated"] = r.Extrapolated,
                        ["phase_seconds_run"] = Phases(r.Phases),
                    })]),
                }));
            }

            return 0;
        });
        return command;
    }

    private static Measurement Measure(Settings settings, bool encrypt)
    {
        var (guest, host, labels) = Synthetic(settings);
        var options = new HeteroLinearOptions
        {
            Epochs = 1,
            BatchSize = settings.BatchSize,
            Loss = VerticalLoss.TaylorLogistic,
            Encryption = encrypt ? VerticalEncryption.Arbiter : VerticalEncryption.None,
        };
        using var key = encrypt ? PaillierPrivateKey.Generate(settings.KeyBits) : null;
        var training = new HeteroLinearTraining(guest, labels, [host], options, key);
        var batches = encrypt ? Math.Max(1, (settings.SampleRows + settings.BatchSize - 1) / settings.BatchSize) : int.MaxValue;
        var label = encrypt ? $"Paillier-{settings.KeyBits}, arbiter" : "plain";
        var clock = Stopwatch.StartNew();
        var rowsRun = 0;
        AnsiConsole.Status().Start($"vertical epoch, {label}: {settings.Rows:N0} rows x ({settings.GuestFeatures} + {settings.HostFeatures}) features", _ =>
        {
            rowsRun = training.RunEpoch(0, batches);
        });
        var seconds = clock.Elapsed.TotalSeconds;
        var extrapolated = rowsRun < settings.Rows;
        return new Measurement(label, rowsRun, seconds, seconds * settings.Rows / rowsRun, extrapolated, training.Phases);
    }

    /// <summary>One-core Paillier encryption (the default, short-exponent randomness) and addition rates in this run (about 2 s), to read the epoch time against.</summary>
    private static (double Encryptions, double Additions) PaillierRates(int bits)
    {
        using var key = PaillierPrivateKey.Generate(bits);
        var publicKey = key.PublicKey;

        // The first encryption builds the key's short-exponent table (once per key): not part of the rate.
        var ciphertext = publicKey.Encrypt(1);
        var clock = Stopwatch.StartNew();
        var encryptions = 0;
        while (clock.Elapsed.TotalSeconds < 1)
        {
            ciphertext = publicKey.Encrypt(encryptions++);
        }

        var encryptionRate = encryptions / clock.Elapsed.TotalSeconds;
        clock.Restart();
        var additions = 0;
        var sum = ciphertext;
        while (clock.Elapsed.TotalSeconds < 1)
        {
            sum = publicKey.Add(sum, ciphertext);
            additions++;
        }

        return (encryptionRate, additions / clock.Elapsed.TotalSeconds);
    }

    /// <summary>Uniform features in [−1, 1) from a fixed seed; labels from a random linear model over all columns.</summary>
    private static (VerticalPartyData Guest, VerticalPartyData Host, float[] Labels) Synthetic(Settings settings)
    {
        var random = new Random(20261203);
        var weights = Enumerable.Range(0, settings.GuestFeatures + settings.HostFeatures).Select(_ => (random.NextDouble() * 2) - 1).ToArray();
        var guest = new float[(long)settings.Rows * settings.GuestFeatures];
        var host = new float[(long)settings.Rows * settings.HostFeatures];
        var labels = new float[settings.Rows];
        for (var i = 0; i < settings.Rows; i++)
        {
            var u = 0.0;
            for (var j = 0; j < settings.GuestFeatures; j++)
            {
                var x = (float)((random.NextDouble() * 2) - 1);
                guest[((long)i * settings.GuestFeatures) + j] = x;
                u += x * weights[j];
            }

            for (var j = 0; j < settings.HostFeatures; j++)
            {
                var x = (float)((random.NextDouble() * 2) - 1);
                host[((long)i * settings.HostFeatures) + j] = x;
                u += x * weights[settings.GuestFeatures + j];
            }

            labels[i] = u > 0 ? 1f : 0f;
        }

        return (new VerticalPartyData(guest, settings.Rows, settings.GuestFeatures), new VerticalPartyData(host, settings.Rows, settings.HostFeatures), labels);
    }

    private sealed record Settings(int Rows, int GuestFeatures, int HostFeatures, int BatchSize, int SampleRows, int KeyBits);

    /// <summary>The protocol's steps in seconds of the rows run (not extrapolated).</summary>
    private static JsonObject Phases(HeteroLinearPhaseTimes phases) => new()
    {
        ["host_scores"] = phases.HostScores.TotalSeconds,
        ["guest_residual"] = phases.GuestResidual.TotalSeconds,
        ["host_gradients"] = phases.HostGradients.TotalSeconds,
        ["guest_gradient"] = phases.GuestGradient.TotalSeconds,
        ["decryption"] = phases.Decryption.TotalSeconds,
        ["steps"] = phases.Steps.TotalSeconds,
    };

    private sealed record Measurement(string Protocol, int RowsRun, double SecondsRun, double SecondsPerEpoch, bool Extrapolated, HeteroLinearPhaseTimes Phases);
}
