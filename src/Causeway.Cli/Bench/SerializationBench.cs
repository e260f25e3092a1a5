using System.Diagnostics;
using Causeway.Core.Models;
using Causeway.Core.Tensors;
using Causeway.Protocol;
using Causeway.Protocol.Wire;
using Google.Protobuf;

namespace Causeway.Cli.Bench;

/// <summary>
/// In-process throughput of a party update's wire form for one model: encoding as the party does
/// (<see cref="ParameterSetCodec.ToProto"/> inside a <c>PushResultRequest</c>, written to a byte buffer) and decoding as
/// the coordinator does (<see cref="PushResult.ReadAsync"/> from a stream over those bytes, straight into a new set),
/// against a plain copy of the same number of bytes.
/// </summary>
/// <remarks>MB/s is 10^6 bytes of the encoded message per second; each figure is the best of the repetitions.</remarks>
internal static class SerializationBench
{
    public sealed record Result(long Parameters, long MessageBytes, int Repetitions, double EncodeMBps, double DecodeMBps, double MemcpyMBps)
    {
        public double EncodeRatio => EncodeMBps / MemcpyMBps;

        public double DecodeRatio => DecodeMBps / MemcpyMBps;
    }

    public static Result Run(ModelSpec spec, int repetitions, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var network = new DenseNetwork(spec);
        var delta = network.Initialize(seed);
        var layout = network.Layout;
        var size = Request(delta).CalculateSize();
        var buffer = new byte[size];
        var copy = new byte[size];

        var encode = Best(repetitions, () => Request(delta).WriteTo(buffer.AsSpan()));
        var decode = Best(repetitions, () =>
        {
            var decoded = Decode(buffer, layout);
            Debug.Assert(decoded.Length == delta.Length, "The decoded set has the model's size.");
        });
        var memcpy = Best(repetitions, () => buffer.AsSpan().CopyTo(copy));

        // The round trip must give back the same values, or the timings measured something else.
        var back = Decode(buffer, layout);
        if (!back.Values.SequenceEqual(delta.Values))
        {
            throw new InvalidOperationException("The decoded parameter set differs from the encoded one.");
        }

        return new Result(layout.TotalLength, size, repetitions, MBps(size, encode), MBps(size, decode), MBps(size, memcpy));
    }

    private static ParameterSet Decode(byte[] buffer, ParameterLayout layout)
    {
        using var stream = new MemoryStream(buffer, writable: false);
        var result = PushResult.ReadAsync(stream, _ => new ResultExpectation { Delta = layout }, buffer.Length, CancellationToken.None).GetAwaiter().GetResult();
        return result.Delta ?? throw new InvalidOperationException(result.DeltaError);
    }

    private static Protocol.V1.PushResultRequest Request(ParameterSet delta) => new()
    {
        TaskId = "bench-task",
        RunId = "bench-run",
        Round = 1,
        Train = new Protocol.V1.TrainResult { Delta = ParameterSetCodec.ToProto(delta), Examples = 200, TrainLoss = 0.5, TrainSeconds = 0.1 },
    };

    private static double Best(int repetitions, Action action)
    {
        action();
        var best = double.MaxValue;
        for (var i = 0; i < repetitions; i++)
        {
            var started = Stopwatch.GetTimestamp();
            action();
            best = Math.Min(best, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }

        return best;
    }

    private static double MBps(long bytes, double seconds) => bytes / seconds / 1e6;
}
