using Causeway.Protocol.V1;
using Google.Protobuf;

namespace Causeway.Protocol.Wire;

/// <summary>
/// A parsed <c>causeway.v1.PullTaskResponse</c> whose global tensors are views into the received body, so a party
/// decodes a task with one copy of the model (into the <see cref="Core.Tensors.ParameterSet"/>) instead of two.
/// </summary>
/// <remarks>
/// Follows protobuf's merge rules, so the coordinator's fragment stream (task fields first, then one fragment per
/// tensor) and a plain single message parse alike: scalars take the last value, embedded messages merge, repeated
/// tensors append. Valid only while the body buffer it was parsed from is.
/// </remarks>
public sealed class PullTaskFrame
{
    private readonly List<RawTensor> _global = [];

    private PullTaskFrame()
    {
    }

    /// <summary>False when the long poll ended with "no task".</summary>
    public bool HasTask { get; private set; }

    public string TaskId { get; private set; } = "";

    public TaskKind Kind { get; private set; }

    public string RunId { get; private set; } = "";

    public int Round { get; private set; }

    public int TotalRounds { get; private set; }

    /// <summary>The global tensors in order (views into the body).</summary>
    public IReadOnlyList<RawTensor> Global => _global;

    /// <summary>The training plan, or null when the task carries none.</summary>
    public V1.TrainingPlan? Plan { get; private set; }

    public ulong Seed { get; private set; }

    /// <summary>The run's setup, or null when the task carries none (the run has none, or the party holds it: see <see cref="SetupDigest"/>).</summary>
    public V1.RunSetup? Setup { get; private set; }

    /// <summary>The digest of the run's setup (<c>PartyTask.setup_digest</c>); empty when the run has none.</summary>
    public ByteString SetupDigest { get; private set; } = ByteString.Empty;

    /// <summary>The client-level DP the party applies to its delta (train tasks of such runs), or null.</summary>
    public V1.UpdatePrivacy? Privacy { get; private set; }

    /// <summary>A protocol step's request, or a protected train task's instruction; null otherwise.</summary>
    public V1.ProtocolMessage? Protection { get; private set; }

    /// <summary>An evaluate task of a run under secure aggregation: keep the score histogram for the masked sum (<c>PartyTask.secure_scores</c>).</summary>
    public bool SecureScores { get; private set; }

    /// <summary>The report of an earlier evaluation round that rides on this task, or null.</summary>
    public V1.EvaluationReport? EvaluationReport { get; private set; }

    /// <summary>Parses the task of a response: a <c>PullTaskResponse</c>, or a <c>PushResultResponse</c> that carries the next task.</summary>
    /// <param name="body">The response body.</param>
    /// <param name="taskField">The response's field holding the <c>PartyTask</c>: <c>PullTaskResponse.task</c> (the default) or <c>PushResultResponse.next_task</c>.</param>
    /// <exception cref="MalformedMessageException">The bytes are not a valid message.</exception>
    public static PullTaskFrame Parse(ReadOnlyMemory<byte> body, int taskField = PullTaskResponse.TaskFieldNumber)
    {
        var frame = new PullTaskFrame();
        var reader = new WireReader(body.Span);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == taskField)
            {
                WireReader.Expect(wireType, 2, "task");
                var (start, length) = reader.ReadDelimited();
                frame.HasTask = true;
                frame.MergeTask(body.Slice(start, length));
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return frame;
    }

    private void MergeTask(ReadOnlyMemory<byte> message)
    {
        var reader = new WireReader(message.Span);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            switch (field)
            {
                case PartyTask.TaskIdFieldNumber:
                    WireReader.Expect(wireType, 2, "task_id");
                    TaskId = reader.ReadString();
                    break;
                case PartyTask.KindFieldNumber:
                    WireReader.Expect(wireType, 0, "kind");
                    Kind = (TaskKind)(int)reader.ReadVarint();
                    break;
                case PartyTask.RunIdFieldNumber:
                    WireReader.Expect(wireType, 2, "run_id");
                    RunId = reader.ReadString();
                    break;
                case PartyTask.RoundFieldNumber:
                    WireReader.Expect(wireType, 0, "round");
                    Round = (int)reader.ReadVarint();
                    break;
                case PartyTask.TotalRoundsFieldNumber:
                    WireReader.Expect(wireType, 0, "total_rounds");
                    TotalRounds = (int)reader.ReadVarint();
                    break;
                case PartyTask.GlobalFieldNumber:
                    {
                        WireReader.Expect(wireType, 2, "global");
                        var (start, length) = reader.ReadDelimited();
                        ParameterSetReader.Read(message.Slice(start, length), _global);
                        break;
                    }

                case PartyTask.PlanFieldNumber:
                    WireReader.Expect(wireType, 2, "plan");
                    Plan = MergeMessage(Plan, message, reader.ReadDelimited(), "TrainingPlan");
                    break;
                case PartyTask.SetupFieldNumber:
                    WireReader.Expect(wireType, 2, "setup");
                    Setup = MergeMessage(Setup, message, reader.ReadDelimited(), "RunSetup");
                    break;
                case PartyTask.PrivacyFieldNumber:
                    WireReader.Expect(wireType, 2, "privacy");
                    Privacy = MergeMessage(Privacy, message, reader.ReadDelimited(), "UpdatePrivacy");
                    break;
                case PartyTask.ProtectionFieldNumber:
                    WireReader.Expect(wireType, 2, "protection");
                    Protection = MergeMessage(Protection, message, reader.ReadDelimited(), "ProtocolMessage");
                    break;
                case PartyTask.EvaluationReportFieldNumber:
                    WireReader.Expect(wireType, 2, "evaluation_report");
                    EvaluationReport = MergeMessage(EvaluationReport, message, reader.ReadDelimited(), "EvaluationReport");
                    break;
                case PartyTask.SetupDigestFieldNumber:
                    {
                        WireReader.Expect(wireType, 2, "setup_digest");
                        var (start, length) = reader.ReadDelimited();
                        SetupDigest = ByteString.CopyFrom(message.Span.Slice(start, length));
                        break;
                    }

                case PartyTask.SeedFieldNumber:
                    WireReader.Expect(wireType, 0, "seed");
                    Seed = reader.ReadVarint();
                    break;
                case PartyTask.SecureScoresFieldNumber:
                    WireReader.Expect(wireType, 0, "secure_scores");
                    SecureScores = reader.ReadVarint() != 0;
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }
    }

    // Protobuf's rule for an embedded message seen again: merge into what was read before.
    private static T MergeMessage<T>(T? current, ReadOnlyMemory<byte> message, (int Start, int Length) field, string name)
        where T : class, IMessage<T>, new()
    {
        var target = current ?? new T();
        MessageParsing.Merge(target, message.Span.Slice(field.Start, field.Length), name);
        return target;
    }
}
