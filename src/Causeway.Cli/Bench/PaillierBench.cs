using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Causeway.Cli.Output;
using Causeway.Privacy.Paillier;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// <c>causeway bench paillier</c>: Paillier throughput on this machine (encrypt, CRT decrypt, homomorphic add, packed vs
/// unpacked fixed-point vectors) against the raw modular exponentiation rate it is bounded by, all in one run.
/// </summary>
/// <remarks>
/// With g = n + 1 an encryption is one r^n mod n² (a 2·bits-bit modulus, a bits-bit exponent) plus a multiplication, so
/// <c>encrypt_per_second / gmp_modexp_per_second</c> near 1 means no overhead around the exponentiation. The two are
/// measured alternately, one operation at a time, so a change in machine load affects both alike. The headline encryption
/// draws a fresh r per ciphertext; encryption with r^n precomputed is reported separately
/// (<c>encrypt_precomputed_per_second</c>: the precomputation is not timed).
/// </remarks>
internal static class PaillierBench
{
    private const int PrecomputedRandomizers = 256;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public sealed record Settings(int Bits, double Seconds);

    public sealed record Result(
        Settings Settings,
        string Backend,
        double KeygenSeconds,
        double EncryptPerSecond,
        double ModExpPerSecond,
        double DecryptPerSecond,
        double AddPerSecond,
        double AddPlaintextPerSecond,
        double EncryptPrecomputedPerSecond,
        int SlotsPerCiphertext,
        double PackedEncryptValuesPerSecond,
        double UnpackedEncryptValuesPerSecond,
        double PackedDecryptValuesPerSecond,
        double UnpackedDecryptValuesPerSecond)
    {
        public double EncryptVsModExp => EncryptPerSecond / ModExpPerSecond;

        public JsonObject ToJson()
        {
            var encoding = FixedPointEncoding.Default;
            return new JsonObject
            {
                ["backend"] = Backend,
                ["bits"] = Settings.Bits,
                ["seconds_per_measurement"] = Settings.Seconds,
                ["keygen_seconds"] = KeygenSeconds,
                ["encrypt_per_second"] = EncryptPerSecond,
                ["decrypt_per_second"] = DecryptPerSecond,
                ["add_per_second"] = AddPerSecond,
                ["add_plaintext_per_second"] = AddPlaintextPerSecond,
                ["encrypt_precomputed_per_second"] = EncryptPrecomputedPerSecond,
                ["gmp_modexp_per_second"] = ModExpPerSecond,
                ["modexp_modulus_bits"] = 2 * Settings.Bits,
                ["modexp_exponent_bits"] = Settings.Bits,
                ["encrypt_vs_modexp"] = EncryptVsModExp,
                ["slots_per_ciphertext"] = SlotsPerCiphertext,
                ["packed_encrypt_values_per_second"] = PackedEncryptValuesPerSecond,
                ["unpacked_encrypt_values_per_second"] = UnpackedEncryptValuesPerSecond,
                ["packed_vs_unpacked_encrypt"] = PackedEncryptValuesPerSecond / UnpackedEncryptValuesPerSecond,
                ["packed_decrypt_values_per_second"] = PackedDecryptValuesPerSecond,
                ["unpacked_decrypt_values_per_second"] = UnpackedDecryptValuesPerSecond,
                ["packed_vs_unpacked_decrypt"] = PackedDecryptValuesPerSecond / UnpackedDecryptValuesPerSecond,
                ["encoding"] = new JsonObject
                {
                    ["fractional_bits"] = encoding.FractionalBits,
                    ["integer_bits"] = encoding.IntegerBits,
                    ["headroom_bits"] = encoding.HeadroomBits,
                    ["slot_bits"] = encoding.SlotBits,
                    ["max_summands"] = encoding.MaxSummands,
                },
            };
        }
    }

    public static Command CreateCommand()
    {
        var bits = new Option<int>("--bits") { Description = "Modulus size n in bits (a multiple of 256, 2048 to 8192).", DefaultValueFactory = _ => PaillierPublicKey.DefaultBits };
        var seconds = new Option<double>("--seconds") { Description = "Seconds spent timing each operation.", DefaultValueFactory = _ => 2.0 };
        var report = CliOptions.Report();
        var command = new Command("paillier", "Paillier encrypt/decrypt/add per second and packed vs unpacked values per second, against the raw GMP powm rate.")
        {
            bits, seconds, report,
        };
        command.SetAction(async parse =>
        {
            var settings = new Settings(parse.GetValue(bits), parse.GetValue(seconds));
            if (settings.Bits < PaillierPublicKey.MinimumBits || settings.Bits > PaillierPublicKey.MaximumBits || settings.Bits % 256 != 0 || !(settings.Seconds > 0))
            {
                Console.Error.WriteLine("bench paillier: --bits must be a multiple of 256 in [2048, 8192] and --seconds > 0.");
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
                ReportFile.Write(file.FullName, BenchReport.Create("paillier", loadBefore, loadAfter, new JsonObject
                {
                }).Also(json =>
                {
                    foreach (var (name, value) in result.ToJson().ToList())
                    {
                        json[name] = value?.DeepClone();
                    }
                }));
            }

            return 0;
        });
        return command;
    }

    public static Result Run(Settings settings, ProgressContext? progress = null)
    {
        var budget = settings.Seconds;
        var keygen = Step(progress, $"key generation ({settings.Bits} bits)");
        var start = Stopwatch.GetTimestamp();
        using var privateKey = PaillierPrivateKey.Generate(settings.Bits);
        var keygenSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var key = privateKey.PublicKey;
        Done(keygen);

        var plaintexts = Enumerable.Range(0, 16).Select(_ => RandomBelow(key.Modulus)).ToArray();
        var ciphertexts = plaintexts.Select(key.Encrypt).ToArray();

        // Raw powm and encryption alternate one operation at a time, so load from other processes affects both alike.
        var interleaved = Step(progress, $"encrypt vs raw powm ({2 * settings.Bits}-bit modulus, {settings.Bits}-bit exponent), alternating");
        using var probe = new ModPowProbe(2 * settings.Bits, settings.Bits);
        probe.Compute();
        key.Encrypt(plaintexts[0]);
        Rate modexp = default, encrypt = default;
        var i = 0;
        var total = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(total).TotalSeconds < 2 * budget)
        {
            modexp += Once(probe.Compute);
            encrypt += Once(() => key.Encrypt(plaintexts[i++ & 15]));
            Advance(interleaved, Math.Min(1, Stopwatch.GetElapsedTime(total).TotalSeconds / (2 * budget)));
        }

        var decrypt = Timed(progress, "decrypt (CRT)", () => privateKey.Decrypt(ciphertexts[i++ & 15]), budget);
        var add = Timed(progress, "homomorphic add", () => key.Add(ciphertexts[i & 15], ciphertexts[++i & 15]), budget);
        var addPlaintext = Timed(progress, "add plaintext", () => key.AddPlaintext(ciphertexts[i & 15], plaintexts[++i & 15]), budget);

        var precomputedStep = Step(progress, $"encrypt with r^n precomputed ({PrecomputedRandomizers} randomisers, precomputation untimed)");
        var randomizers = Enumerable.Range(0, PrecomputedRandomizers).Select(_ => key.CreateRandomizer()).ToArray();
        start = Stopwatch.GetTimestamp();
        for (var k = 0; k < randomizers.Length; k++)
        {
            key.Encrypt(plaintexts[k & 15], randomizers[k]);
        }

        var precomputed = new Rate(randomizers.Length, Stopwatch.GetElapsedTime(start).TotalSeconds);
        Done(precomputedStep);

        // Vectors of two packed ciphertexts' worth of values, encrypted packed and one value per ciphertext.
        var slots = FixedPointEncoding.Default.SlotsPerCiphertext(key);
        var random = new Random(42);
        var values = Enumerable.Range(0, 2 * slots).Select(_ => (float)((random.NextDouble() - 0.5) * 2)).ToArray();
        var packedEncrypt = Timed(progress, $"encrypt {values.Length} values packed ({slots} per ciphertext)", () => EncryptedVector.Encrypt(key, values), budget);
        var unpackedEncrypt = Timed(progress, $"encrypt {values.Length} values unpacked", () => EncryptedVector.Encrypt(key, values, pack: false), budget);
        var packedVector = EncryptedVector.Encrypt(key, values);
        var unpackedVector = EncryptedVector.Encrypt(key, values, pack: false);
        var decrypted = new float[values.Length];
        var packedDecrypt = Timed(progress, $"decrypt {values.Length} values packed", () => packedVector.Decrypt(privateKey, decrypted), budget);
        var unpackedDecrypt = Timed(progress, $"decrypt {values.Length} values unpacked", () => unpackedVector.Decrypt(privateKey, decrypted), budget);

        return new Result(
            settings,
            key.BackendName,
            keygenSeconds,
            encrypt.PerSecond,
            modexp.PerSecond,
            decrypt.PerSecond,
            add.PerSecond,
            addPlaintext.PerSecond,
            precomputed.PerSecond,
            slots,
            packedEncrypt.PerSecond * values.Length,
            unpackedEncrypt.PerSecond * values.Length,
            packedDecrypt.PerSecond * values.Length,
            unpackedDecrypt.PerSecond * values.Length);
    }

    private static void Write(Result result, string? loadBefore, string? loadAfter)
    {
        var s = result.Settings;
        var table = new Table()
            .Title(string.Create(Invariant, $"Paillier-{s.Bits} (g = n+1) on {result.Backend}, {s.Seconds:F1} s per measurement"))
            .AddColumns("measure", "per second");
        table.AddRow("encrypt (fresh r: one r^n mod n²)", PerSecond(result.EncryptPerSecond));
        table.AddRow(string.Create(Invariant, $"raw powm ({2 * s.Bits}-bit modulus, {s.Bits}-bit exponent)"), PerSecond(result.ModExpPerSecond));
        table.AddRow("encrypt / raw powm", result.EncryptVsModExp.ToString("P1", Invariant));
        table.AddRow("decrypt (CRT)", PerSecond(result.DecryptPerSecond));
        table.AddRow("homomorphic add (ciphertext + ciphertext)", PerSecond(result.AddPerSecond));
        table.AddRow("add plaintext", PerSecond(result.AddPlaintextPerSecond));
        table.AddRow("encrypt, r^n precomputed (not the headline)", PerSecond(result.EncryptPrecomputedPerSecond));
        table.AddRow(string.Create(Invariant, $"encrypt values, packed ({result.SlotsPerCiphertext} per ciphertext)"), PerSecond(result.PackedEncryptValuesPerSecond));
        table.AddRow("encrypt values, unpacked", PerSecond(result.UnpackedEncryptValuesPerSecond));
        table.AddRow("decrypt values, packed", PerSecond(result.PackedDecryptValuesPerSecond));
        table.AddRow("decrypt values, unpacked", PerSecond(result.UnpackedDecryptValuesPerSecond));
        table.AddRow("key generation", result.KeygenSeconds.ToString("F2", Invariant) + " s");
        table.AddRow("load average before / after", Markup.Escape($"{loadBefore ?? "-"} / {loadAfter ?? "-"}"));
        AnsiConsole.Write(table);
    }

    private static string PerSecond(double value) => value.ToString(value >= 100 ? "N0" : "N1", Invariant);

    private static Rate Timed(ProgressContext? progress, string description, Action operation, double seconds)
    {
        var task = Step(progress, description);
        var rate = Measure(operation, seconds);
        Done(task);
        return rate;
    }

    /// <summary>Runs <paramref name="operation"/> until <paramref name="seconds"/> have passed (at least once, after one untimed warm-up call).</summary>
    private static Rate Measure(Action operation, double seconds)
    {
        operation();
        var budget = TimeSpan.FromSeconds(seconds);
        var count = 0L;
        var start = Stopwatch.GetTimestamp();
        TimeSpan elapsed;
        do
        {
            operation();
            count++;
            elapsed = Stopwatch.GetElapsedTime(start);
        }
        while (elapsed < budget);
        return new Rate(count, elapsed.TotalSeconds);
    }

    private static Rate Once(Action operation)
    {
        var start = Stopwatch.GetTimestamp();
        operation();
        return new Rate(1, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    private static BigInteger RandomBelow(BigInteger bound)
    {
        var bytes = RandomNumberGenerator.GetBytes(bound.GetByteCount(isUnsigned: true));
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true) % bound;
    }

    private static ProgressTask? Step(ProgressContext? progress, string description) => progress?.AddTask(Markup.Escape(description), maxValue: 1);

    private static void Advance(ProgressTask? task, double value)
    {
        task?.Value = value;
    }

    private static void Done(ProgressTask? task) => Advance(task, 1);

    private readonly record struct Rate(long Count, double Seconds)
    {
        public double PerSecond => Seconds > 0 ? Count / Seconds : double.NaN;

        public static Rate operator +(Rate left, Rate right) => new(left.Count + right.Count, left.Seconds + right.Seconds);
    }
}
