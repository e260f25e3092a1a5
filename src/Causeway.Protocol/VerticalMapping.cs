using System.Numerics;
using Causeway.Federation.Vertical.Alignment;
using Causeway.Federation.Vertical.Network;
using Causeway.Federation.Vertical.Training;
using Causeway.Protocol.Psi;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.Protocol;

/// <summary>Maps the steps of vertical jobs (<see cref="VerticalMessage"/>) to and from <c>causeway.v1.VerticalMessage</c> (vertical.proto).</summary>
/// <remarks>
/// Decoding checks the shape (a case is set, enums known, counts in range); the party checks the protocol (the job
/// exists, the batch is the expected one, ciphertexts lie in range under its key) so a bad value fails the step with a
/// reason rather than the transport.
/// </remarks>
public static class VerticalMapping
{
    /// <summary>The largest number of values in one linear message (a mini-batch or a party's features).</summary>
    public const int MaxValues = 1 << 20;

    // A reply answers one step of one job: its batches carry this placeholder instead of the job id.
    private const string ReplySession = "reply";

    public static V1.VerticalMessage ToProto(VerticalMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message switch
        {
            PsiOpen o => new() { PsiOpen = new V1.VerticalPsiOpen { Job = o.Job, Host = o.Host, Hosts = o.Hosts, Salt = ByteString.CopyFrom(o.Salt), Mode = ToProto(o.Mode), BatchSize = o.BatchSize } },
            PsiPull p => new() { PsiPull = new V1.VerticalPsiPull { Job = p.Job, Stream = PsiWire.ToProto(p.Stream), Host = p.Host } },
            PsiPush p => new() { PsiPush = PsiWire.ToMessage(p.Job, p.Host, p.Batch) },
            PsiFinish f => new() { PsiFinish = new V1.VerticalJobRef { Job = f.Job } },
            PsiReply r => new() { PsiReply = new V1.VerticalPsiReply { Batches = { r.Batches.Select(b => PsiWire.ToMessage(ReplySession, 0, b)) }, Ids = r.Ids, Intersection = r.Intersection ?? -1 } },
            LinearOpen o => new() { LinearOpen = ToProto(o) },
            TrainingOpened o => new()
            {
                TrainingOpened = new V1.VerticalTrainingOpened { TrainRows = o.TrainRows, TestRows = o.TestRows, Features = o.Features, PublicKey = ByteString.CopyFrom(o.PublicKey ?? []) },
            },
            LinearBatchStep s => new()
            {
                LinearStep = new V1.VerticalLinearStep { Job = s.Job, Kind = (V1.VerticalLinearStepKind)((int)s.Kind + 1), Epoch = s.Epoch, Index = s.Index, Batch = s.Batch, Inputs = { s.Inputs.Select(ToProto) } },
            },
            LinearValues v => new() { LinearValues = ToProto(v) },
            LinearScoreIds q => new() { LinearScoreIds = new V1.VerticalLinearScoreIds { Job = q.Job, Ids = { q.Ids }, Inputs = { q.Inputs.Select(ToProto) } } },
            SplitOpen o => new()
            {
                SplitOpen = new V1.VerticalSplitOpen
                {
                    Job = o.Job,
                    Role = o.Role == VerticalRole.Guest ? V1.VerticalRole.Guest : V1.VerticalRole.Host,
                    Party = o.Party,
                    Parties = o.Parties,
                    Hidden = { o.Options.Hidden },
                    Embedding = o.Options.Embedding,
                    TopHidden = o.Options.TopHidden,
                    Epochs = o.Options.Epochs,
                    BatchSize = o.Options.BatchSize,
                    LearningRate = o.Options.LearningRate,
                    Seed = o.Options.Seed,
                    HoldoutSeed = o.HoldoutSeed,
                    HoldoutFraction = o.HoldoutFraction,
                },
            },
            SplitBatchStep s => new()
            {
                SplitStep = new V1.VerticalSplitStep { Job = s.Job, Kind = (V1.VerticalSplitStepKind)((int)s.Kind + 1), Epoch = s.Epoch, Index = s.Index, Batch = s.Batch, Inputs = { s.Inputs.Select(ToProto) } },
            },
            SplitValues v => new() { SplitValues = ToProto(v) },
            TransferOpen o => new()
            {
                TransferOpen = new V1.VerticalTransferOpen
                {
                    Job = o.Job,
                    Role = o.Role == VerticalRole.Guest ? V1.VerticalRole.Guest : V1.VerticalRole.Host,
                    Dimension = o.Options.Dimension,
                    Gamma = o.Options.Gamma,
                    L2 = o.Options.L2,
                    LearningRate = o.Options.LearningRate,
                    Epochs = o.Options.Epochs,
                    SourceWeight = o.Options.SourceWeight,
                    KeyBits = o.Options.KeyBits,
                    Seed = o.Options.Seed,
                    HoldoutSeed = o.HoldoutSeed,
                    HoldoutFraction = o.HoldoutFraction,
                    SourceColumns = o.SourceColumns,
                },
            },
            TransferStep s => new()
            {
                TransferStep = new V1.VerticalTransferStep
                {
                    Job = s.Job, Kind = (V1.VerticalTransferStepKind)((int)s.Kind + 1), Epoch = s.Epoch, Numbers = { s.Numbers },
                    Values = { s.Values.Select(ByteString.CopyFrom) }, Outer = { s.Outer.Select(ByteString.CopyFrom) }, PeerKey = ByteString.CopyFrom(s.PeerKey),
                },
            },
            TransferValues v => new()
            {
                TransferValues = new V1.VerticalTransferValues
                {
                    Phi = { v.Phi }, Values = { v.Values.Select(ByteString.CopyFrom) }, Outer = { v.Outer.Select(ByteString.CopyFrom) }, Scores = { v.Scores },
                },
            },
            SplitReply r => new() { SplitReply = new V1.VerticalSplitReply { Values = { r.Values.Select(ToProto) } } },
            HeldOutScores e => new() { HeldOutScores = new V1.VerticalHeldOutScores { Rows = e.Rows, Accuracy = e.Accuracy, Auc = e.Auc, Loss = e.Loss } },
            _ => throw new ArgumentException($"No wire form for {message.GetType().Name}.", nameof(message)),
        };
    }

    /// <exception cref="MalformedMessageException">No case is set, or a field is out of range.</exception>
    public static VerticalMessage FromProto(V1.VerticalMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.MessageCase switch
        {
            V1.VerticalMessage.MessageOneofCase.PsiOpen => FromProto(message.PsiOpen),
            V1.VerticalMessage.MessageOneofCase.PsiPull => new PsiPull(Job(message.PsiPull.Job), PsiWire.FromProto(message.PsiPull.Stream), message.PsiPull.Host),
            V1.VerticalMessage.MessageOneofCase.PsiPush => new PsiPush(Job(message.PsiPush.SessionId), message.PsiPush.Host, PsiWire.ToBatch(message.PsiPush)),
            V1.VerticalMessage.MessageOneofCase.PsiFinish => new PsiFinish(Job(message.PsiFinish.Job)),
            V1.VerticalMessage.MessageOneofCase.PsiReply => new PsiReply(
                [.. message.PsiReply.Batches.Select(PsiWire.ToBatch)], message.PsiReply.Ids, message.PsiReply.Intersection < 0 ? null : message.PsiReply.Intersection),
            V1.VerticalMessage.MessageOneofCase.LinearOpen => FromProto(message.LinearOpen),
            V1.VerticalMessage.MessageOneofCase.TrainingOpened => new TrainingOpened(
                message.TrainingOpened.TrainRows, message.TrainingOpened.TestRows, message.TrainingOpened.Features, message.TrainingOpened.PublicKey.IsEmpty ? null : message.TrainingOpened.PublicKey.ToByteArray()),
            V1.VerticalMessage.MessageOneofCase.LinearStep => FromProto(message.LinearStep),
            V1.VerticalMessage.MessageOneofCase.LinearValues => FromProto(message.LinearValues),
            V1.VerticalMessage.MessageOneofCase.LinearScoreIds => message.LinearScoreIds.Ids.Count > MaxValues
                ? throw new MalformedMessageException($"A scoring request holds more than {MaxValues} IDs.")
                : new LinearScoreIds(Job(message.LinearScoreIds.Job), [.. message.LinearScoreIds.Ids], [.. message.LinearScoreIds.Inputs.Select(FromProto)]),
            V1.VerticalMessage.MessageOneofCase.SplitOpen => FromProto(message.SplitOpen),
            V1.VerticalMessage.MessageOneofCase.SplitStep => FromProto(message.SplitStep),
            V1.VerticalMessage.MessageOneofCase.SplitValues => FromProto(message.SplitValues),
            V1.VerticalMessage.MessageOneofCase.SplitReply => new SplitReply([.. message.SplitReply.Values.Select(FromProto)]),
            V1.VerticalMessage.MessageOneofCase.TransferOpen => FromProto(message.TransferOpen),
            V1.VerticalMessage.MessageOneofCase.TransferStep => FromProto(message.TransferStep),
            V1.VerticalMessage.MessageOneofCase.TransferValues => new TransferValues(
                Finite(message.TransferValues.Phi, "Φ"), Blobs(message.TransferValues.Values), Blobs(message.TransferValues.Outer), Finite(message.TransferValues.Scores, "scores")),
            V1.VerticalMessage.MessageOneofCase.HeldOutScores => new HeldOutScores(
                message.HeldOutScores.Rows, message.HeldOutScores.Accuracy, message.HeldOutScores.Auc, message.HeldOutScores.Loss),
            _ => throw new MalformedMessageException("The vertical message holds no known case."),
        };
    }

    private static string Job(string job) => string.IsNullOrEmpty(job) ? throw new MalformedMessageException("A vertical step names no job.") : job;

    private static V1.PsiMode ToProto(AlignmentMode mode) => mode switch
    {
        AlignmentMode.RevealToAll => V1.PsiMode.RevealToAll,
        AlignmentMode.RevealToGuest => V1.PsiMode.RevealToGuest,
        _ => V1.PsiMode.CardinalityOnly,
    };

    private static PsiOpen FromProto(V1.VerticalPsiOpen o)
    {
        var mode = o.Mode switch
        {
            V1.PsiMode.RevealToAll => AlignmentMode.RevealToAll,
            V1.PsiMode.RevealToGuest => AlignmentMode.RevealToGuest,
            V1.PsiMode.CardinalityOnly => AlignmentMode.CardinalityOnly,
            _ => throw new MalformedMessageException($"Unknown PSI mode {o.Mode}."),
        };
        if (o.Host < -1 || o.Hosts < 1 || o.Host >= o.Hosts || o.BatchSize < 1)
        {
            throw new MalformedMessageException($"Invalid PSI session: host {o.Host} of {o.Hosts}, batch size {o.BatchSize}.");
        }

        return new PsiOpen(Job(o.Job), o.Host, o.Hosts, o.Salt.ToByteArray(), mode, o.BatchSize);
    }

    private static V1.VerticalLinearOpen ToProto(LinearOpen o) => new()
    {
        Job = o.Job,
        Role = o.Role switch { VerticalRole.Guest => V1.VerticalRole.Guest, VerticalRole.Host => V1.VerticalRole.Host, _ => V1.VerticalRole.Arbiter },
        Host = o.Host,
        Loss = o.Options.Loss switch { VerticalLoss.TaylorLogistic => V1.VerticalLossKind.VerticalLossTaylorLogistic, VerticalLoss.Logistic => V1.VerticalLossKind.VerticalLossLogistic, _ => V1.VerticalLossKind.VerticalLossSquared },
        Encryption = o.Options.Encryption switch
        {
            VerticalEncryption.None => V1.VerticalEncryptionKind.VerticalEncryptionNone,
            VerticalEncryption.Arbiter => V1.VerticalEncryptionKind.VerticalEncryptionArbiter,
            _ => V1.VerticalEncryptionKind.VerticalEncryptionTwoParty,
        },
        Epochs = o.Options.Epochs,
        BatchSize = o.Options.BatchSize,
        LearningRate = o.Options.LearningRate,
        L2 = o.Options.L2,
        Seed = o.Options.Seed,
        KeyBits = o.KeyBits,
        PublicKey = ByteString.CopyFrom(o.PublicKey ?? []),
        HoldoutSeed = o.HoldoutSeed,
        HoldoutFraction = o.HoldoutFraction,
    };

    private static LinearOpen FromProto(V1.VerticalLinearOpen o)
    {
        var role = FromProto(o.Role);
        var loss = o.Loss switch
        {
            V1.VerticalLossKind.VerticalLossTaylorLogistic => VerticalLoss.TaylorLogistic,
            V1.VerticalLossKind.VerticalLossLogistic => VerticalLoss.Logistic,
            V1.VerticalLossKind.VerticalLossSquared => VerticalLoss.Squared,
            _ => throw new MalformedMessageException($"Unknown vertical loss {o.Loss}."),
        };
        var encryption = o.Encryption switch
        {
            V1.VerticalEncryptionKind.VerticalEncryptionNone => VerticalEncryption.None,
            V1.VerticalEncryptionKind.VerticalEncryptionArbiter => VerticalEncryption.Arbiter,
            V1.VerticalEncryptionKind.VerticalEncryptionTwoParty => VerticalEncryption.TwoParty,
            _ => throw new MalformedMessageException($"Unknown vertical encryption {o.Encryption}."),
        };
        var options = new HeteroLinearOptions
        {
            Loss = loss,
            Encryption = encryption,
            Epochs = o.Epochs,
            BatchSize = o.BatchSize,
            LearningRate = o.LearningRate,
            L2 = o.L2,
            Seed = o.Seed,
        };
        if (!(o.HoldoutFraction >= 0 && o.HoldoutFraction < 1) || o.Host < -1)
        {
            throw new MalformedMessageException($"Invalid vertical training open: host {o.Host}, holdout fraction {o.HoldoutFraction}.");
        }

        return new LinearOpen(Job(o.Job), role, o.Host, options, o.KeyBits, o.PublicKey.IsEmpty ? null : o.PublicKey.ToByteArray(), o.HoldoutSeed, o.HoldoutFraction);
    }

    private static LinearBatchStep FromProto(V1.VerticalLinearStep s)
    {
        if (s.Kind is < V1.VerticalLinearStepKind.VerticalLinearStepScores or > V1.VerticalLinearStepKind.VerticalLinearStepEvaluate)
        {
            throw new MalformedMessageException($"Unknown vertical linear step {s.Kind}.");
        }

        return new LinearBatchStep(Job(s.Job), (LinearStepKind)((int)s.Kind - 1), s.Epoch, s.Index, s.Batch, [.. s.Inputs.Select(FromProto)]);
    }

    private static SplitOpen FromProto(V1.VerticalSplitOpen o)
    {
        var role = FromProto(o.Role) is var r and not VerticalRole.Arbiter ? r : throw new MalformedMessageException("A split network has a guest and hosts, not an arbiter.");
        var options = new SplitNetworkOptions
        {
            Hidden = [.. o.Hidden],
            Embedding = o.Embedding,
            TopHidden = o.TopHidden,
            Epochs = o.Epochs,
            BatchSize = o.BatchSize,
            LearningRate = o.LearningRate,
            Seed = o.Seed,
        };
        if (o.Parties is < 1 or > 64 || o.Party < 0 || o.Party >= o.Parties || !(o.HoldoutFraction >= 0 && o.HoldoutFraction < 1))
        {
            throw new MalformedMessageException($"Invalid split-network open: party {o.Party} of {o.Parties}, holdout fraction {o.HoldoutFraction}.");
        }

        return new SplitOpen(Job(o.Job), role, o.Party, o.Parties, options, o.HoldoutSeed, o.HoldoutFraction);
    }

    private static TransferOpen FromProto(V1.VerticalTransferOpen o)
    {
        var role = FromProto(o.Role) is var r and not VerticalRole.Arbiter ? r : throw new MalformedMessageException("Transfer learning has a source (guest) and a target (host), not an arbiter.");
        var options = new Federation.Transfer.TransferOptions
        {
            Dimension = o.Dimension, Gamma = o.Gamma, L2 = o.L2, LearningRate = o.LearningRate, Epochs = o.Epochs, SourceWeight = o.SourceWeight, KeyBits = o.KeyBits, Seed = o.Seed,
        };
        return options.DescribeProblem() is { } problem ? throw new MalformedMessageException($"Invalid transfer open: {problem}.")
            : !(o.HoldoutFraction >= 0 && o.HoldoutFraction < 1) || o.SourceColumns < 0
                ? throw new MalformedMessageException($"Invalid transfer open: holdout fraction {o.HoldoutFraction}, source columns {o.SourceColumns}.")
            : new TransferOpen(Job(o.Job), role, options, o.HoldoutSeed, o.HoldoutFraction, o.SourceColumns);
    }

    private static TransferStep FromProto(V1.VerticalTransferStep s) =>
        s.Kind is < V1.VerticalTransferStepKind.VerticalTransferStepSourceTerms or > V1.VerticalTransferStepKind.VerticalTransferStepSourceEvaluate
            ? throw new MalformedMessageException($"Unknown transfer step {s.Kind}.")
            : new TransferStep(Job(s.Job), (TransferStepKind)((int)s.Kind - 1), s.Epoch, Finite(s.Numbers, "numbers"), Blobs(s.Values), Blobs(s.Outer), s.PeerKey.ToByteArray());

    // At most MaxValues finite doubles.
    private static double[] Finite(Google.Protobuf.Collections.RepeatedField<double> values, string name) =>
        values.Count > MaxValues || values.Any(v => !double.IsFinite(v))
            ? throw new MalformedMessageException($"A transfer message holds more than {MaxValues} {name} or one that is not finite.")
            : [.. values];

    // At most MaxValues byte strings.
    private static byte[][] Blobs(Google.Protobuf.Collections.RepeatedField<ByteString> values) =>
        values.Count > MaxValues ? throw new MalformedMessageException($"A transfer message holds more than {MaxValues} values.") : [.. values.Select(v => v.ToByteArray())];

    private static VerticalRole FromProto(V1.VerticalRole role) => role switch
    {
        V1.VerticalRole.Guest => VerticalRole.Guest,
        V1.VerticalRole.Host => VerticalRole.Host,
        V1.VerticalRole.Arbiter => VerticalRole.Arbiter,
        _ => throw new MalformedMessageException($"Unknown vertical role {role}."),
    };

    private static SplitBatchStep FromProto(V1.VerticalSplitStep s) =>
        s.Kind is < V1.VerticalSplitStepKind.VerticalSplitStepForward or > V1.VerticalSplitStepKind.VerticalSplitStepEvaluate
            ? throw new MalformedMessageException($"Unknown split step {s.Kind}.")
            : new SplitBatchStep(Job(s.Job), (SplitStepKind)((int)s.Kind - 1), s.Epoch, s.Index, s.Batch, [.. s.Inputs.Select(FromProto)]);

    private static V1.VerticalSplitValues ToProto(SplitValues v) => new() { Party = v.Party, Batch = v.Batch, Width = v.Width, Values = { v.Values } };

    private static SplitValues FromProto(V1.VerticalSplitValues v) =>
        v.Values.Count > MaxValues * 16 || v.Width < 1 || v.Width > SplitNetworkOptions.MaxWidth || v.Values.Any(x => !float.IsFinite(x))
            ? throw new MalformedMessageException($"A split-network message needs a width in [1, {SplitNetworkOptions.MaxWidth}] and at most {MaxValues * 16} finite values (got width {v.Width}, {v.Values.Count} values).")
            : new SplitValues(v.Party, v.Batch, v.Width, [.. v.Values]);

    private static V1.VerticalLinearValues ToProto(LinearValues v) => new()
    {
        Kind = v.Kind switch
        {
            LinearValuesKind.PartialScores => V1.VerticalValuesKind.VerticalValuesPartialScores,
            LinearValuesKind.Residual => V1.VerticalValuesKind.VerticalValuesResidual,
            LinearValuesKind.MaskedGradient => V1.VerticalValuesKind.VerticalValuesMaskedGradient,
            LinearValuesKind.DecryptedGradient => V1.VerticalValuesKind.VerticalValuesDecryptedGradient,
            LinearValuesKind.Predictions => V1.VerticalValuesKind.VerticalValuesPredictions,
            _ => V1.VerticalValuesKind.VerticalValuesNone,
        },
        Batch = v.Batch,
        Host = v.Host,
        Scale = v.Scale,
        Plain = { v.Plain ?? [] },
        Ciphertexts = { (v.Ciphertexts ?? []).Select(c => UnsafeByteOperations.UnsafeWrap(c)) },
        Integers = { (v.Integers ?? []).Select(i => UnsafeByteOperations.UnsafeWrap(i.ToByteArray(isUnsigned: false, isBigEndian: true))) },
    };

    private static LinearValues FromProto(V1.VerticalLinearValues v)
    {
        var kind = v.Kind switch
        {
            V1.VerticalValuesKind.VerticalValuesPartialScores => LinearValuesKind.PartialScores,
            V1.VerticalValuesKind.VerticalValuesResidual => LinearValuesKind.Residual,
            V1.VerticalValuesKind.VerticalValuesMaskedGradient => LinearValuesKind.MaskedGradient,
            V1.VerticalValuesKind.VerticalValuesDecryptedGradient => LinearValuesKind.DecryptedGradient,
            V1.VerticalValuesKind.VerticalValuesPredictions => LinearValuesKind.Predictions,
            V1.VerticalValuesKind.VerticalValuesNone => LinearValuesKind.None,
            _ => throw new MalformedMessageException($"Unknown vertical values kind {v.Kind}."),
        };
        if (v.Plain.Count > MaxValues || v.Ciphertexts.Count > MaxValues || v.Integers.Count > MaxValues)
        {
            throw new MalformedMessageException($"A vertical values message holds more than {MaxValues} values.");
        }

        if (!double.IsFinite(v.Scale) || v.Plain.Any(x => !double.IsFinite(x) && kind != LinearValuesKind.PartialScores && kind != LinearValuesKind.Predictions))
        {
            throw new MalformedMessageException("A vertical values message holds a value that is not finite.");
        }

        return new LinearValues(
            kind,
            v.Batch,
            v.Host,
            v.Scale,
            v.Plain.Count == 0 ? null : [.. v.Plain],
            v.Ciphertexts.Count == 0 ? null : [.. v.Ciphertexts.Select(c => c.ToByteArray())],
            v.Integers.Count == 0 ? null : [.. v.Integers.Select(i => new BigInteger(i.Span, isUnsigned: false, isBigEndian: true))]);
    }
}
