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
/// draws a fresh uniform r per ciphertext (the textbook r^n); encryption with r^n precomputed is reported separately
/// (<c>encrypt_precomputed_per_second</c>: the precomputation is not timed). The default randomness since issue 14 is
/// Damgård–Jurik–Nielsen's h_s^a from a fixed-base table: <c>encrypt_short_exponent_per_second</c> draws it inline,
/// <c>pooled_encrypt_per_second</c> takes it from a <see cref="PaillierRandomizerPool"/> filled beforehand (untimed, as
/// between rounds), and <c>randomizer_seconds_short_exponent</c> / <c>randomizer_seconds_uniform</c> are the cost of
/// producing one randomiser of each kind.
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
        ShortExponentRates ShortExponent,
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
                ["encrypt_per_second_randomness"] = "uniform r^n mod n^2 (textbook; PaillierRandomness.Uniform)",
                ["encrypt_short_exponent_per_second"] = ShortExponent.EncryptPerSecond,
                ["pooled_encrypt_per_second"] = ShortExponent.PooledEncryptPerSecond,
                ["pooled_randomness"] = $"short_exponent: Damgard-Jurik-Nielsen h_s^a mod n^2, a of {ShortExponent.ExponentBits} bits, fixed-base table with 8-bit digits; pool of {ShortExponent.PoolSize} filled before timing (PaillierRandomizerPool)",
                ["randomizer_seconds_short_exponent"] = 1 / ShortExponent.RandomizerPerSecond,
                ["randomizer_seconds_uniform"] = 1 / ShortExponent.UniformRandomizerPerSecond,
                ["short_exponent_bits"] = ShortExponent.ExponentBits,
                ["short_exponent_table_seconds"] = ShortExponent.TableSeconds,
                ["default_randomness"] = "short_exponent",
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

    /// <summary>Damgård–Jurik–Nielsen randomness: inline, pooled, and the cost of one randomiser of each kind.</summary>
    public sealed record ShortExponentRates(
        int ExponentBits,
        double TableSeconds,
        double EncryptPerSecond,
        double PooledEncryptPerSecond,
        int PoolSize,
        double RandomizerPerSecond,
        double UniformRandomizerPerSecond);

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
        // The headline encryption keeps its meaning (textbook uniform r^n, against the raw powm it is bound by); the
        // short-exponent default is measured on its own below.
        var key = privateKey.PublicKey.WithRandomness(PaillierRandomness.Uniform);
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
        var shortExponent = MeasureShortExponent(progress, key, plaintexts, budget);

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
            shortExponent,
            slots,
            packedEncrypt.PerSecond * values.Length,
            unpackedEncrypt.PerSecond * values.Length,
            packedDecrypt.PerSecond * values.Length,
            unpackedDecrypt.PerSecond * values.Length);
    }

    /// <summary>
    /// The short-exponent (DJN) path on a fresh key object for the same n, so the table is built in view: its build,
    /// inline encryption, pooled encryption (the pool filled untimed), and one randomiser of each kind.
    /// </summary>
    private static ShortExponentRates MeasureShortExponent(ProgressContext? progress, PaillierPublicKey key, BigInteger[] plaintexts, double budget)
    {
        var djn = PaillierPublicKey.FromBytes(key.ToBytes()).WithRandomness(PaillierRandomness.ShortExponent);
        var tableStep = Step(progress, "short-exponent (DJN) fixed-base table, built once per key");
        var start = Stopwatch.GetTimestamp();
        djn.Encrypt(plaintexts[0]);
        var tableSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Done(tableStep);

        var i = 0;
        var inline = Timed(progress, "encrypt, short-exponent randomiser drawn inline (the default)", () => djn.Encrypt(plaintexts[i++ & 15]), budget);
        var randomizer = Timed(progress, "one short-exponent randomiser h_s^a mod n²", () => djn.CreateRandomizer(PaillierRandomness.ShortExponent), budget);
        var uniform = Timed(progress, "one uniform randomiser r^n mod n²", () => djn.CreateRandomizer(PaillierRandomness.Uniform), budget);

        var poolStep = Step(progress, $"encrypt from a pool of {PrecomputedRandomizers} short-exponent randomisers (filled untimed)");
        using var pool = new PaillierRandomizerPool(djn, PrecomputedRandomizers, PaillierRandomness.ShortExponent, fillInBackground: false);
        Rate pooled = default;
        var total = Stopwatch.GetTimestamp();
        do
        {
            pool.Fill();
            start = Stopwatch.GetTimestamp();
            for (var k = 0; k < PrecomputedRandomizers; k++)
            {
                pool.Encrypt(plaintexts[k & 15]);
            }

            pooled += new Rate(PrecomputedRandomizers, Stopwatch.GetElapsedTime(start).TotalSeconds);
            Advance(poolStep, Math.Min(1, Stopwatch.GetElapsedTime(total).TotalSeconds / budget));
        }
        while (Stopwatch.GetElapsedTime(total).TotalSeconds < budget);
        Done(poolStep);
        if (pool.Misses != 0)
        {
            throw new InvalidOperationException($"The pool ran dry {pool.Misses} times while timing pooled encryption.");
        }

        return new ShortExponentRates((djn.Bits + 1) / 2, tableSeconds, inline.PerSecond, pooled.PerSecond, PrecomputedRandomizers, randomizer.PerSecond, uniform.PerSecond);
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
        var djn = result.ShortExponent;
        table.AddRow(string.Create(Invariant, $"encrypt, short-exponent (DJN, {djn.ExponentBits}-bit a) drawn inline: the default"), PerSecond(djn.EncryptPerSecond));
        table.AddRow(string.Create(Invariant, $"encrypt, pooled short-exponent randomisers (pool of {djn.PoolSize}, filled untimed)"), PerSecond(djn.PooledEncryptPerSecond));
        table.AddRow("one randomiser: short-exponent h_s^a / uniform r^n", string.Create(Invariant, $"{1e3 / djn.RandomizerPerSecond:F3} ms / {1e3 / djn.UniformRandomizerPerSecond:F2} ms"));
        table.AddRow("short-exponent table build (once per key)", djn.TableSeconds.ToString("F2", Invariant) + " s");
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
