using Causeway.Core.Tensors;
using Causeway.Protocol.Internal;
using Causeway.Protocol.V1;
using Google.Protobuf;

namespace Causeway.Protocol.Wire;

/// <summary>
/// A <c>causeway.v1.PushResultRequest</c> read straight from the request stream when the receiver knows the layout
/// of the delta beforehand: each tensor's bytes go from the network into the decoded set, so the update exists once
/// (not once as a body buffer and again as floats).
/// </summary>
/// <remarks>
/// Structural faults (truncation, bad wire types) throw <see cref="MalformedMessageException"/>; a delta that does
/// not fit the expected layout is reported in <see cref="DeltaError"/> (the message is still read to its end).
/// On big-endian machines use <see cref="PushResultFrame"/> instead.
/// </remarks>
public sealed class StreamedPushResult
{
    private StreamedPushResult(ParameterLayout expected, long maxBytes)
    {
        Expected = expected;
        _maxBytes = maxBytes;
    }

    public string TaskId { get; private set; } = "";

    public string RunId { get; private set; } = "";

    public int Round { get; private set; }

    public PushResultKind Kind { get; private set; }

    /// <summary>The decoded delta, when <see cref="Kind"/> is Train and <see cref="DeltaError"/> is null.</summary>
    public Core.Tensors.ParameterSet? Delta => Kind == PushResultKind.Train && DeltaError is null ? new Core.Tensors.ParameterSet(Expected, _values!) : null;

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

    /// <summary>A protected round's update (masked vector or ciphertexts) sent instead of the delta, or null.</summary>
    public ProtocolMessage? ProtectedUpdate { get; private set; }

    /// <summary>The answer to a protocol step, when <see cref="Kind"/> is <see cref="PushResultKind.StepReply"/>.</summary>
    public ProtocolMessage? StepReply { get; private set; }

    private ParameterLayout Expected { get; }

    private readonly long _maxBytes;
    private float[]? _values;
    private int _tensors;

    /// <exception cref="MalformedMessageException">The bytes are not a valid message.</exception>
    /// <exception cref="MessageTooLargeException">The body is longer than <paramref name="maxBytes"/>.</exception>
    public static async Task<StreamedPushResult> ReadAsync(Stream body, ParameterLayout expected, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(expected);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Streamed decoding needs a little-endian machine.");
        }

        var result = new StreamedPushResult(expected, maxBytes);
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
                        result.StepReply = await result.ReadProtectionAsync(reader, length, cancellationToken).ConfigureAwait(false);
                        break;
                    }

                default:
                    await reader.SkipAsync(wireType, End, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        if (result.Kind == PushResultKind.Train && result.ProtectedUpdate is null && result.DeltaError is null && result._tensors != expected.Tensors.Count)
        {
            result.DeltaError = $"Expected {expected.Tensors.Count} tensors ({expected}), got {result._tensors}.";
        }

        return result;
    }

    private void Reset(PushResultKind kind)
    {
        Kind = kind;
        DeltaError = null;
        Examples = 0;
        TrainLoss = 0;
        TrainSeconds = 0;
        WithinClip = null;
        Evaluation = null;
        Failure = null;
        ProtectedUpdate = null;
        StepReply = null;
        _tensors = 0;
        _values = kind == PushResultKind.Train ? new float[Expected.TotalLength] : null;
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
                    ProtectedUpdate = await ReadProtectionAsync(reader, await reader.ReadLengthAsync(end, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
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

    // A protected update is as large as the model (or four times it, as ciphertexts): read into one exact array, then parsed.
    private async Task<ProtocolMessage> ReadProtectionAsync(StreamWireReader reader, long length, CancellationToken cancellationToken)
    {
        if (reader.Position + length > _maxBytes)
        {
            throw new MessageTooLargeException(_maxBytes);
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
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new MalformedMessageException($"Invalid {typeof(T).Name}: {e.Message}", e);
        }
    }
}
