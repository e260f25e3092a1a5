using BenchmarkDotNet.Attributes;
using Causeway.Core.Models;
using Causeway.Core.Tensors;
using Causeway.Protocol;
using Google.Protobuf;
using WireParameterSet = Causeway.Protocol.V1.ParameterSet;

namespace Causeway.Benchmarks;

/// <summary>
/// <see cref="ParameterSetCodec"/>: a parameter set to protobuf bytes (ToProto + ToByteArray) and back (ParseFrom +
/// FromProto), for the 784-200-200-10 MLP (199,210 floats, 0.8 MB) and a 10M-float set (40 MB).
/// MB/s = bytes / mean time.
/// </summary>
[MemoryDiagnoser]
public class ParameterSetCodecBenchmarks
{
    private ParameterSet _set = null!;
    private byte[] _bytes = [];

    /// <summary>"mlp-2nn" (4 tensors + biases) or "flat-10M" (one tensor).</summary>
    [Params("mlp-2nn", "flat-10M")]
    public string Case { get; set; } = "mlp-2nn";

    [GlobalSetup]
    public void Setup()
    {
        _set = Case == "mlp-2nn"
            ? new DenseNetwork(new ModelSpec(LearningTask.MulticlassClassification, 784, 10, [200, 200])).Initialize(1)
            : new ParameterSet(new ParameterLayout([new TensorSpec("w", [10_000_000])]));
        _bytes = ParameterSetCodec.ToProto(_set).ToByteArray();
    }

    /// <summary>The payload size in bytes (for MB/s).</summary>
    public int PayloadBytes => _bytes.Length;

    [Benchmark]
    public byte[] Encode() => ParameterSetCodec.ToProto(_set).ToByteArray();

    [Benchmark]
    public ParameterSet Decode() => ParameterSetCodec.FromProto(WireParameterSet.Parser.ParseFrom(_bytes));
}
