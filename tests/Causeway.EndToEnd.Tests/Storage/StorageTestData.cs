using System.Runtime.InteropServices;
using Causeway.Coordinator.Storage;
using Causeway.Core.Tensors;
using Causeway.Federation;

namespace Causeway.EndToEnd.Tests.Storage;

/// <summary>Deterministic parameter sets, rounds and bit-exact comparisons for the storage tests.</summary>
internal static class StorageTestData
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 22, 4, 0, 0, TimeSpan.Zero);

    /// <summary>A small model layout: a matrix, a vector and a scalar.</summary>
    public static ParameterLayout SmallLayout { get; } = new([
        new TensorSpec("dense.weight", [3, 4]),
        new TensorSpec("dense.bias", [4]),
        new TensorSpec("temperature", []),
    ]);

    /// <summary>
    /// Values from raw 32-bit patterns drawn with a fixed seed, so NaNs with payloads, negative zero,
    /// subnormals and infinities all occur; the first values are pinned to those specials.
    /// </summary>
    public static ParameterSet Parameters(ParameterLayout layout, ulong seed)
    {
        var values = new float[layout.TotalLength];
        var bits = MemoryMarshal.Cast<float, uint>(values.AsSpan());
        var state = seed;
        for (var i = 0; i < bits.Length; i++)
        {
            // SplitMix64.
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            bits[i] = (uint)((z ^ (z >> 31)) >> 32);
        }

        uint[] specials = [0x7FC0_1234u, 0x8000_0000u, 0x0000_0001u, 0x7F80_0000u, 0xFF80_0000u];
        for (var i = 0; i < Math.Min(specials.Length, bits.Length); i++)
        {
            bits[i] = specials[i] ^ (uint)(seed & 0x7);
        }

        return new ParameterSet(layout, values);
    }

    public static ParameterSet Parameters(ulong seed) => Parameters(SmallLayout, seed);

    /// <summary>A one-tensor layout of <paramref name="length"/> values.</summary>
    public static ParameterSet LargeParameters(int length, ulong seed) =>
        Parameters(new ParameterLayout([new TensorSpec("embedding", [length])]), seed);

    public static Checkpoint CheckpointFor(int round, bool withOptimizerState = true) =>
        new(Parameters((ulong)round), withOptimizerState ? Parameters(1000 + (ulong)round) : null);

    /// <summary>A succeeded round with every metric set (none NaN) and three party rows, two accepted and a straggler.</summary>
    public static RoundRecord Round(string runId, int round) => new()
    {
        RunId = runId,
        Round = round,
        Selected = 3,
        Participants = 2,
        Failures = 1,
        Succeeded = true,
        TrainLoss = 1.0 / round,
        EvaluationLoss = 0.5 / round,
        Accuracy = 0.5 + (round / 100.0),
        EvaluationExamples = 500 + round,
        RocAuc = 0.7 + (round / 1000.0),
        F1 = 0.6 + (round / 300.0),
        Rmse = 3.0 / round,
        Mae = 2.0 / (round + 1),
        Bytes = 1000L * round,
        Seconds = 1.25 * round,
        SlowestTrainSeconds = 0.1 * round,
        ClosedAt = T0.AddMinutes(round),
        Parties =
        [
            new PartyRoundRecord(new PartyId("hospital-b"), PartyOutcome.Accepted, null, 100 + round, 0.25 * round, 400),
            new PartyRoundRecord(new PartyId("hospital-a"), PartyOutcome.Accepted, null, 200 + round, 0.125 * round, 600),
            new PartyRoundRecord(new PartyId("hospital-c"), PartyOutcome.Straggler, "deadline passed after 30 s", 0, null, 0),
        ],
    };

    /// <summary>Asserts equal layouts and identical raw float bits (NaN payloads included).</summary>
    public static void AssertBitExact(ParameterSet expected, ParameterSet actual)
    {
        Assert.Null(expected.Layout.DescribeMismatch(actual.Layout));
        var expectedBits = MemoryMarshal.Cast<float, uint>(expected.Values).ToArray();
        var actualBits = MemoryMarshal.Cast<float, uint>(actual.Values).ToArray();
        Assert.Equal(expectedBits, actualBits);
    }

    public static void AssertRoundEqual(RoundRecord expected, RoundRecord actual)
    {
        var none = Array.Empty<PartyRoundRecord>();
        var noEvaluations = Array.Empty<Causeway.Federation.Horizontal.PartyEvaluation>();
        Assert.Equal(expected with { Parties = none, PartyEvaluations = noEvaluations }, actual with { Parties = none, PartyEvaluations = noEvaluations });
        Assert.Equal(expected.Parties, actual.Parties);
        Assert.Equal(expected.PartyEvaluations, actual.PartyEvaluations);
    }
}
