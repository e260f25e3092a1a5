using Causeway.Core.Tensors;
using Causeway.Protocol.Internal;
using Causeway.Protocol.V1;
using Google.Protobuf;

namespace Causeway.Protocol.Wire;

/// <summary>
/// A <c>causeway.v1.PushResultRequest</c> read straight from the request stream: each delta tensor's bytes go from the
/// network into the decoded set, so an update exists once (not once as a body buffer and again as floats). The one
/// parser of results, whatever their size.
/// </summary>
/// <remarks>
/// <para>
/// What may be stored is the task's: the reader asks for the <see cref="ResultExpectation"/> when it reads
/// <c>task_id</c>, which must come before the result, as it does in the field-number order every protobuf serializer
/// writes (docs/protocol.md). A delta is decoded only into the task's layout, and a protected update or a step reply
/// (read into one exactly sized array, up to the message limit) only when the task expects one; anything else is
/// skipped without being stored, so memory is bounded by what the caller's own delivered tasks may send.
/// </para>
/// <para>
/// Structural faults (truncation, bad wire types, a result before its task id) throw
/// <see cref="MalformedMessageException"/>; a delta that does not fit the layout is reported in <see cref="DeltaError"/>
/// (the message is still read to its end). Little-endian machines only, like the float32 wire format.
/// </para>
/// </remarks>
public sealed class PushResult
{
    private PushResult(long maxBytes)
    {
        _maxBytes = maxBytes;
    }

    public string TaskId { get; private set; } = "";

    public string RunId { get; private set; } = "";

    public int Round { get; private set; }

    public PushResultKind Kind { get; private set; }

    /// <summary>The decoded delta, when <see cref="Kind"/> is Train, a layout was given and <see cref="DeltaError"/> is null.</summary>
    public Core.Tensors.ParameterSet? Delta =>
        Kind != PushResultKind.Train || DeltaError is not null ? null
        : _anyLayoutDelta is not null ? _anyLayoutDelta
        : Expected is not null && _values is not null ? new Core.Tensors.ParameterSet(Expected, _values) : null;

    /// <summary>Why the delta does not fit the expected layout, or null.</summary>
    public string? DeltaError { get; private set; }

    public long Examples { get; private set; }

    public double TrainLoss { get; private set; }

    /// <summary>The party's local training wall time in seconds, as sent (not validated here).</summary>
    public double TrainSeconds { get; private set; }

    /// <summary>TrainResult.within_clip: null when absent.</summary>
    public bool? WithinClip { get; private set; }

    public EvaluationResult? Evaluation { get; private set; }

    public FailureReport? Failure { get; private set; }

    /// <summary>A protected round's update (masked vector or ciphertexts) sent instead of the delta, when the task expects one; else null.</summary>
    public ProtocolMessage? ProtectedUpdate { get; private set; }

    /// <summary>True when the train result carries a protected update, whether or not it was stored (<see cref="ProtectedUpdate"/>).</summary>
    public bool HasProtectedUpdate { get; private set; }

    /// <summary>The answer to a protocol step, when <see cref="Kind"/> is <see cref="PushResultKind.StepReply"/> and the task expects one; else null.</summary>
    public ProtocolMessage? StepReply { get; private set; }

    /// <summary>Set when the party asks to wait for its next task in the same call (<c>then_pull</c>); null otherwise.</summary>
    public PullTaskRequest? ThenPull { get; private set; }

    private ParameterLayout? Expected => _expectation.Delta;

    private bool _taskIdRead;

    private readonly long _maxBytes;
    private ResultExpectation _expectation = ResultExpectation.Nothing;

    // A delta of any layout (ResultExpectation.AnyLayout): its tensors as read, then the set they make.
    private List<(TensorSpec Spec, float[] Values)>? _anyTensors;
    private Core.Tensors.ParameterSet? _anyLayoutDelta;
    private float[]? _values;
    private int _tensors;

    /// <summary>Reads one result from <paramref name="body"/> to its end.</summary>
    /// <param name="body">The request body.</param>
    /// <param name="expectationFor">
    /// Given the task id, what its result may store (<see cref="ResultExpectation.Nothing"/> for an unknown task, another
    /// party's, or one not waiting for a result). Called once, for the first task id.
    /// </param>
    /// <param name="maxBytes">The largest body accepted.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="MalformedMessageException">The bytes are not a valid message.</exception>
    /// <exception cref="MessageTooLargeException">The body is longer than <paramref name="maxBytes"/>.</exception>
    public static async Task<PushResult> ReadAsync(Stream body, Func<string, ResultExpectation> expectationFor, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(expectationFor);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Results are decoded on little-endian machines only.");
        }

        var result = new PushResult(maxBytes);
        using var reader = new StreamWireReader(body, maxBytes);
        const long End = long.MaxValue;
        while (!await reader.AtEndAsync(cancellationToken).ConfigureAwait(false))
        {
            var (field, wireType) = await reader.ReadTagAsync(cancellationToken).ConfigureAwait(false);
            switch (field)
            {
                case 1:
                    WireReader.Expect(wireType, 2, "task_id");
                    result.TaskId = await reader.ReadStringAsync(await reader.ReadLengthAsync(End, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                    result._expectation = result._taskIdRead ? ResultExpectation.Nothing : expectationFor(result.TaskId) ?? ResultExpectation.Nothing;
                    result._taskIdRead = true;
                    break;
                case 2:
                    WireReader.Expect(wireType, 2, "run_id");
                    result.RunId = await reader.ReadStringAsync(await reader.ReadLengthAsync(End, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                    break;
                case 3:
                    WireReader.Expect(wireType, 0, "round");
                    result.Round = (int)await reader.ReadVarintAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case 4:
                    {
                        WireReader.Expect(wireType, 2, "train");
                        var length = await reader.ReadLengthAsync(End, cancellationToken).ConfigureAwait(false);
                        result.Reset(PushResultKind.Train);
                        await result.ReadTrainAsync(reader, reader.Position + length, cancellationToken).ConfigureAwait(false);
                        break;
                    }

                case 5:
                    {
                        WireReader.Expect(wireType, 2, "evaluation");
                        var bytes = await reader.ReadSmallAsync(await reader.ReadLengthAsync(End, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                        result.Reset(PushResultKind.Evaluation);
                        result.Evaluation = ParseSmall(EvaluationResult.Parser, bytes);
                        break;
                    }

                case 6:
                    {
                        WireReader.Expect(wireType, 2, "failure");
                        var bytes = await reader.ReadSmallAsync(await reader.ReadLengthAsync(End, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                        result.Reset(PushResultKind.Failure);
                        result.Failure = ParseSmall(FailureReport.Parser, bytes);
                        break;
                    }

                case PushResultRequest.StepReplyFieldNumber:
                    {
                        WireReader.Expect(wireType, 2, "step_reply");
                        var length = await reader.ReadLengthAsync(End, cancellationToken).ConfigureAwait(false);
                        result.Reset(PushResultKind.StepReply);
                        result.StepReply = await result.ReadProtectionAsync(reader, length, result._expectation.StepReply, cancellationToken).ConfigureAwait(false);
                        break;
                    }

                case PushResultRequest.ThenPullFieldNumber:
                    {
                        WireReader.Expect(wireType, 2, "then_pull");
                        var bytes = await reader.ReadSmallAsync(await reader.ReadLengthAsync(End, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                        result.ThenPull = ParseSmall(PullTaskRequest.Parser, bytes);
                        break;
                    }

                default:
                    await reader.SkipAsync(wireType, End, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        if (result.Kind == PushResultKind.Train && result._anyTensors is { } anyTensors && result.DeltaError is null && !result.HasProtectedUpdate)
        {
            result.CompleteAnyLayout(anyTensors);
        }

        if (result.Kind == PushResultKind.Train && result.ProtectedUpdate is null && result.DeltaError is null
            && result.Expected is { } expected && result._tensors != expected.Tensors.Count)
        {
            result.DeltaError = $"Expected {expected.Tensors.Count} tensors ({expected}), got {result._tensors}.";
        }

        return result;
    }

    private void Reset(PushResultKind kind)
    {
        if (!_taskIdRead)
        {
            throw new MalformedMessageException("The result comes before task_id; write the fields in field-number order (docs/protocol.md).");
        }

        Kind = kind;
        DeltaError = null;
        Examples = 0;
        TrainLoss = 0;
        TrainSeconds = 0;
        WithinClip = null;
        Evaluation = null;
        Failure = null;
        ProtectedUpdate = null;
        HasProtectedUpdate = false;
        StepReply = null;
        _tensors = 0;
        _values = kind == PushResultKind.Train && Expected is not null ? new float[Expected.TotalLength] : null;
        _anyTensors = kind == PushResultKind.Train && _expectation.AnyLayout ? [] : null;
        _anyLayoutDelta = null;
    }

    private void CompleteAnyLayout(List<(TensorSpec Spec, float[] Values)> tensors)
    {
        try
        {
            var layout = new ParameterLayout(tensors.Select(t => t.Spec));
            var values = new float[layout.TotalLength];
            for (var i = 0; i < tensors.Count; i++)
            {
                tensors[i].Values.CopyTo(values, layout.OffsetAt(i));
            }

            _anyLayoutDelta = new Core.Tensors.ParameterSet(layout, values);
        }
        catch (ArgumentException e)
        {
            DeltaError = $"The delta's tensors do not make a parameter set: {e.Message}";
        }
    }

    // A tensor of a delta of any layout: name, shape and data as sent, the data's size checked against the shape.
    private async Task ReadAnyLayoutTensorAsync(StreamWireReader reader, long end, CancellationToken cancellationToken)
    {
        var name = "";
        var shape = new List<int>(2);
        float[]? data = null;
        while (reader.Position < end)
        {
            var (field, wireType) = await reader.ReadTagAsync(cancellationToken).ConfigureAwait(false);
            switch (field)
            {
                case 1:
                    WireReader.Expect(wireType, 2, "name");
                    name = await reader.ReadStringAsync(await reader.ReadLengthAsync(end, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                    break;
                case 2 when wireType == 0:
                    shape.Add((int)await reader.ReadVarintAsync(cancellationToken).ConfigureAwait(false));
                    break;
                case 2:
                    {
                        WireReader.Expect(wireType, 2, "shape");
                        var packedLength = await reader.ReadLengthAsync(end, cancellationToken).ConfigureAwait(false);
                        var packedEnd = reader.Position + packedLength;
                        while (reader.Position < packedEnd)
                        {
                            shape.Add((int)await reader.ReadVarintAsync(cancellationToken).ConfigureAwait(false));
                        }

                        RequireAt(reader, packedEnd);
                        break;
                    }

                case 3:
                    {
                        WireReader.Expect(wireType, 2, "data");
                        var length = await reader.ReadLengthAsync(end, cancellationToken).ConfigureAwait(false);
                        if (reader.Position + length > _maxBytes)
                        {
                            throw new MessageTooLargeException(_maxBytes);
                        }

                        if (length % sizeof(float) != 0 || data is not null)
                        {
                            DeltaError ??= $"Tensor '{(name.Length <= 64 ? name : name[..64] + "...")}': {length} data bytes are not whole float32 values, or the data is repeated.";
                            await reader.SkipAsync(2, long.MaxValue, cancellationToken, length).ConfigureAwait(false);
                            break;
                        }

                        data = new float[length / sizeof(float)];
                        using var target = new FloatArrayBytes(data, 0, data.Length);
                        await reader.ReadExactlyAsync(target.Memory, cancellationToken).ConfigureAwait(false);
                        break;
                    }

                default:
                    await reader.SkipAsync(wireType, end, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        RequireAt(reader, end);
        if (DeltaError is not null)
        {
            return;
        }

        try
        {
            var spec = new TensorSpec(name, shape);
            if (spec.Length != (data?.Length ?? 0))
            {
                DeltaError = $"Tensor '{spec}': expected {(long)spec.Length * sizeof(float)} data bytes, got {(long)(data?.Length ?? 0) * sizeof(float)}.";
                return;
            }

            _anyTensors!.Add((spec, data ?? []));
        }
        catch (ArgumentException e)
        {
            DeltaError = $"Tensor {_tensors - 1}: {e.Message}";
        }
    }

    private async Task ReadTrainAsync(StreamWireReader reader, long end, CancellationToken cancellationToken)
    {
        while (reader.Position < end)
        {
            var (field, wireType) = await reader.ReadTagAsync(cancellationToken).ConfigureAwait(false);
            switch (field)
            {
                case 1:
                    {
                        WireReader.Expect(wireType, 2, "delta");
                        var length = await reader.ReadLengthAsync(end, cancellationToken).ConfigureAwait(false);
                        var setEnd = reader.Position + length;
                        while (reader.Position < setEnd)
                        {
                            var (setField, setWireType) = await reader.ReadTagAsync(cancellationToken).ConfigureAwait(false);
                            if (setField == 1)
                            {
                                WireReader.Expect(setWireType, 2, "tensors");
                                var tensorLength = await reader.ReadLengthAsync(setEnd, cancellationToken).ConfigureAwait(false);
                                await ReadTensorAsync(reader, reader.Position + tensorLength, cancellationToken).ConfigureAwait(false);
                            }
                            else
                            {
                                await reader.SkipAsync(setWireType, setEnd, cancellationToken).ConfigureAwait(false);
                            }
                        }

                        RequireAt(reader, setEnd);
                        break;
                    }

                case 2:
                    WireReader.Expect(wireType, 0, "examples");
                    Examples = (long)await reader.ReadVarintAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case 3:
                    WireReader.Expect(wireType, 1, "train_loss");
                    TrainLoss = await reader.ReadDoubleAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case 4:
                    WireReader.Expect(wireType, 1, "train_seconds");
                    TrainSeconds = await reader.ReadDoubleAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case 5:
                    WireReader.Expect(wireType, 0, "within_clip");
                    WithinClip = await reader.ReadVarintAsync(cancellationToken).ConfigureAwait(false) != 0;
                    break;
                case TrainResult.ProtectedUpdateFieldNumber:
                    WireReader.Expect(wireType, 2, "protected_update");
                    HasProtectedUpdate = true;
                    ProtectedUpdate = await ReadProtectionAsync(
                        reader, await reader.ReadLengthAsync(end, cancellationToken).ConfigureAwait(false), _expectation.ProtectedUpdate, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await reader.SkipAsync(wireType, end, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        RequireAt(reader, end);
    }

    private async Task ReadTensorAsync(StreamWireReader reader, long end, CancellationToken cancellationToken)
    {
        var index = _tensors++;
        if (_anyTensors is not null)
        {
            await ReadAnyLayoutTensorAsync(reader, end, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (Expected is null)
        {
            // Nobody waits for this delta: read past it without storing it.
            DeltaError ??= "The result's task does not take a delta from this caller.";
            await reader.SkipAsync(2, long.MaxValue, cancellationToken, end - reader.Position).ConfigureAwait(false);
            return;
        }

        var spec = index < Expected.Tensors.Count ? Expected.Tensors[index] : null;
        var name = "";
        var shape = new List<int>(4);
        while (reader.Position < end)
        {
            var (field, wireType) = await reader.ReadTagAsync(cancellationToken).ConfigureAwait(false);
            switch (field)
            {
                case 1:
                    WireReader.Expect(wireType, 2, "name");
                    name = await reader.ReadStringAsync(await reader.ReadLengthAsync(end, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                    break;
                case 2 when wireType == 0:
                    shape.Add((int)await reader.ReadVarintAsync(cancellationToken).ConfigureAwait(false));
                    break;
                case 2:
                    {
                        WireReader.Expect(wireType, 2, "shape");
                        var length = await reader.ReadLengthAsync(end, cancellationToken).ConfigureAwait(false);
                        var packedEnd = reader.Position + length;
                        while (reader.Position < packedEnd)
                        {
                            shape.Add((int)await reader.ReadVarintAsync(cancellationToken).ConfigureAwait(false));
                        }

                        RequireAt(reader, packedEnd);
                        break;
                    }

                case 3:
                    {
                        WireReader.Expect(wireType, 2, "data");
                        var length = await reader.ReadLengthAsync(end, cancellationToken).ConfigureAwait(false);
                        if (DeltaError is null && spec is not null && length == (long)spec.Length * sizeof(float))
                        {
                            // Straight from the network into the decoded set; name and shape are checked when the tensor ends.
                            using var target = new FloatArrayBytes(_values!, Expected.OffsetAt(index), spec.Length);
                            await reader.ReadExactlyAsync(target.Memory, cancellationToken).ConfigureAwait(false);
                        }
                        else
                        {
                            DeltaError ??= spec is null
                                ? $"Expected {Expected.Tensors.Count} tensors ({Expected}), got more."
                                : $"Tensor '{spec.Name}': expected {(long)spec.Length * sizeof(float)} data bytes, got {length}.";
                            await reader.SkipAsync(2, long.MaxValue, cancellationToken, length).ConfigureAwait(false);
                        }

                        break;
                    }

                default:
                    await reader.SkipAsync(wireType, end, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        RequireAt(reader, end);
        if (DeltaError is null && spec is not null)
        {
            if (!string.Equals(name, spec.Name, StringComparison.Ordinal))
            {
                DeltaError = $"Tensor {index}: expected '{spec.Name}', got '{(name.Length <= 64 ? name : name[..64] + "...")}'.";
            }
            else if (!shape.SequenceEqual(spec.Shape))
            {
                DeltaError = $"Tensor '{spec.Name}': expected shape [{string.Join('x', spec.Shape)}], got [{string.Join('x', shape)}].";
            }
        }
    }

    // A protected update is as large as the model (or four times it, as ciphertexts): read into one exact array, then
    // parsed, when the task expects it; otherwise read past without being stored (null).
    private async Task<ProtocolMessage?> ReadProtectionAsync(StreamWireReader reader, long length, bool expected, CancellationToken cancellationToken)
    {
        if (reader.Position + length > _maxBytes)
        {
            throw new MessageTooLargeException(_maxBytes);
        }

        if (!expected)
        {
            await reader.SkipAsync(2, long.MaxValue, cancellationToken, length).ConfigureAwait(false);
            return null;
        }

        var bytes = new byte[length];
        await reader.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        return ParseSmall(ProtocolMessage.Parser, bytes);
    }

    private static void RequireAt(StreamWireReader reader, long end)
    {
        if (reader.Position != end)
        {
            throw new MalformedMessageException("A field runs past the end of its message.");
        }
    }

    private static T ParseSmall<T>(MessageParser<T> parser, byte[] bytes)
        where T : IMessage<T> => MessageParsing.Parse(parser, bytes);
}
