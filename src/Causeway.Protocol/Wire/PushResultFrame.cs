using Causeway.Protocol.V1;

namespace Causeway.Protocol.Wire;

/// <summary>
/// A parsed <c>causeway.v1.PushResultRequest</c> whose delta tensors are views into the received body,
/// so the body is copied once, into the decoded <see cref="Core.Tensors.ParameterSet"/>, after the
/// coordinator has checked the names and shapes against the task's layout.
/// </summary>
/// <remarks>The frame is valid only while the body buffer it was parsed from is.</remarks>
public sealed class PushResultFrame
{
    private static readonly RawTensor[] NoTensors = [];

    private PushResultFrame()
    {
    }

    public string TaskId { get; private set; } = "";

    public string RunId { get; private set; } = "";

    public int Round { get; private set; }

    public PushResultKind Kind { get; private set; }

    /// <summary>The train result's delta tensors (views into the body).</summary>
    public IReadOnlyList<RawTensor> Delta { get; private set; } = NoTensors;

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

    /// <summary>Parses a <c>PushResultRequest</c>; unknown fields are skipped as protobuf requires.</summary>
    /// <exception cref="MalformedMessageException">The bytes are not a valid message.</exception>
    public static PushResultFrame Parse(ReadOnlyMemory<byte> body)
    {
        var frame = new PushResultFrame();
        var reader = new WireReader(body.Span);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    WireReader.Expect(wireType, 2, "task_id");
                    frame.TaskId = reader.ReadString();
                    break;
                case 2:
                    WireReader.Expect(wireType, 2, "run_id");
                    frame.RunId = reader.ReadString();
                    break;
                case 3:
                    WireReader.Expect(wireType, 0, "round");
                    frame.Round = (int)reader.ReadVarint();
                    break;
                case 4:
                    {
                        WireReader.Expect(wireType, 2, "train");
                        var (start, length) = reader.ReadDelimited();
                        frame.ResetResult(PushResultKind.Train);
                        frame.ParseTrain(body.Slice(start, length));
                        break;
                    }

                case 5:
                    {
                        WireReader.Expect(wireType, 2, "evaluation");
                        var (start, length) = reader.ReadDelimited();
                        frame.ResetResult(PushResultKind.Evaluation);
                        frame.Evaluation = ParseSmall(EvaluationResult.Parser, body.Span.Slice(start, length));
                        break;
                    }

                case 6:
                    {
                        WireReader.Expect(wireType, 2, "failure");
                        var (start, length) = reader.ReadDelimited();
                        frame.ResetResult(PushResultKind.Failure);
                        frame.Failure = ParseSmall(FailureReport.Parser, body.Span.Slice(start, length));
                        break;
                    }

                case PushResultRequest.StepReplyFieldNumber:
                    {
                        WireReader.Expect(wireType, 2, "step_reply");
                        var (start, length) = reader.ReadDelimited();
                        frame.ResetResult(PushResultKind.StepReply);
                        frame.StepReply = ParseSmall(ProtocolMessage.Parser, body.Span.Slice(start, length));
                        break;
                    }

                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return frame;
    }

    private void ResetResult(PushResultKind kind)
    {
        Kind = kind;
        Delta = NoTensors;
        Examples = 0;
        TrainLoss = 0;
        TrainSeconds = 0;
        WithinClip = null;
        Evaluation = null;
        Failure = null;
        ProtectedUpdate = null;
        StepReply = null;
    }

    private void ParseTrain(ReadOnlyMemory<byte> message)
    {
        var tensors = new List<RawTensor>();
        var reader = new WireReader(message.Span);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    {
                        WireReader.Expect(wireType, 2, "delta");
                        var (start, length) = reader.ReadDelimited();

                        // A repeated message field split across occurrences merges: append.
                        ParameterSetReader.Read(message.Slice(start, length), tensors);
                        break;
                    }

                case 2:
                    WireReader.Expect(wireType, 0, "examples");
                    Examples = (long)reader.ReadVarint();
                    break;
                case 3:
                    WireReader.Expect(wireType, 1, "train_loss");
                    TrainLoss = reader.ReadDouble();
                    break;
                case 4:
                    WireReader.Expect(wireType, 1, "train_seconds");
                    TrainSeconds = reader.ReadDouble();
                    break;
                case 5:
                    WireReader.Expect(wireType, 0, "within_clip");
                    WithinClip = reader.ReadVarint() != 0;
                    break;
                case TrainResult.ProtectedUpdateFieldNumber:
                    {
                        WireReader.Expect(wireType, 2, "protected_update");
                        var (start, length) = reader.ReadDelimited();
                        ProtectedUpdate = ParseSmall(ProtocolMessage.Parser, message.Span.Slice(start, length));
                        break;
                    }

                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        Delta = tensors;
    }

    private static T ParseSmall<T>(Google.Protobuf.MessageParser<T> parser, ReadOnlySpan<byte> bytes)
        where T : Google.Protobuf.IMessage<T>
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new MalformedMessageException($"Invalid {typeof(T).Name}: {e.Message}", e);
        }
    }
}
