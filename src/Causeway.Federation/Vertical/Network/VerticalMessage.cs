using System.Numerics;
using Causeway.Core.Metrics;
using Causeway.Federation.Vertical.Alignment;
using Causeway.Federation.Vertical.Training;

namespace Causeway.Federation.Vertical.Network;

/// <summary>
/// A step of a vertical job (private set intersection, vertical linear training, scoring) or a party's answer to one.
/// The coordinator sends requests with <see cref="IStepChannel.ExchangeAsync"/>; the party's
/// <see cref="VerticalParty"/> keeps each job's state between steps. Requests name their job; replies answer one step.
/// </summary>
/// <remarks>
/// The coordinator relays values between parties without decoding them: ciphertexts travel as bytes
/// (<see cref="LinearValues"/>) and only a party holding the job's public key turns them into Paillier ciphertexts.
/// </remarks>
public abstract record VerticalMessage : ProtocolMessage;

/// <summary>The role a party plays in one vertical job.</summary>
public enum VerticalRole
{
    /// <summary>Holds the labels (and its own columns); drives the residual.</summary>
    Guest,

    /// <summary>Holds feature columns, no labels.</summary>
    Host,

    /// <summary>Holds the Paillier key and no data (<see cref="VerticalEncryption.Arbiter"/>).</summary>
    Arbiter,
}

/// <summary>
/// Starts a PSI session at a party: <c>Host</c> is -1 for the guest, else the host's index among <c>Hosts</c>; the salt,
/// mode and batch size are the session's. Answered by <see cref="PsiReply"/> with the party's distinct ID count.
/// </summary>
public sealed record PsiOpen(string Job, int Host, int Hosts, byte[] Salt, AlignmentMode Mode, int BatchSize) : VerticalMessage
{
    public override string Name => "psi-open";
}

/// <summary>
/// Asks a party for the next batch of one of its outgoing streams: the guest's points, a host's points, or (all at
/// once) the guest's Result batches for host <c>Host</c>.
/// </summary>
public sealed record PsiPull(string Job, PsiStream Stream, int Host) : VerticalMessage
{
    public override string Name => "psi-pull";
}

/// <summary>Delivers a peer's batch: guest points or a result to a host, a host's tags or points to the guest (from host <paramref name="Host"/>).</summary>
public sealed record PsiPush(string Job, int Host, PsiBatch Batch) : VerticalMessage
{
    public override string Name => "psi-push";

    public override long PayloadBytes => Batch.Payload.Length;
}

/// <summary>Asks the guest to intersect once every host's points were delivered.</summary>
public sealed record PsiFinish(string Job) : VerticalMessage
{
    public override string Name => "psi-finish";
}

/// <summary>A party's answer to a PSI step: the batches it sends on (possibly none), its ID count and, once known, the intersection size.</summary>
public sealed record PsiReply(IReadOnlyList<PsiBatch> Batches, long Ids, long? Intersection) : VerticalMessage
{
    public override string Name => "psi-reply";

    public override long PayloadBytes => Batches.Sum(b => (long)b.Payload.Length);
}

/// <summary>
/// Opens vertical linear training at a party on the rows PSI aligned, in the canonical order of the intersecting IDs.
/// The key holder (arbiter, or the guest in two-party mode) generates a key of <paramref name="KeyBits"/> and answers
/// its public key; the others receive it in <paramref name="PublicKey"/>. Rows whose ID falls in the public holdout
/// (<see cref="Data.VerticalHoldout"/>) are kept for evaluation.
/// </summary>
public sealed record LinearOpen(
    string Job, VerticalRole Role, int Host, HeteroLinearOptions Options, int KeyBits, byte[]? PublicKey, ulong HoldoutSeed, double HoldoutFraction) : VerticalMessage
{
    public override string Name => "linear-open";
}

/// <summary>A party's answer to <see cref="LinearOpen"/> or <see cref="SplitOpen"/>: its training and held-out row counts, its feature count and (linear key holder) the public key.</summary>
public sealed record TrainingOpened(int TrainRows, int TestRows, int Features, byte[]? PublicKey) : VerticalMessage
{
    public override string Name => "training-opened";
}

/// <summary>What a <see cref="LinearBatchStep"/> asks of a party.</summary>
public enum LinearStepKind
{
    /// <summary>Host: its partial scores of the batch. Answered by <see cref="LinearValues"/> (partial scores).</summary>
    Scores,

    /// <summary>Guest: the residual from the hosts' scores (the inputs). Answered by the residual.</summary>
    Residual,

    /// <summary>Host: the residual (the input); answers its masked encrypted gradient, or nothing when plain.</summary>
    Gradient,

    /// <summary>Guest (arbiter mode): its own masked encrypted gradient.</summary>
    MaskOwn,

    /// <summary>Key holder: decrypt the masked gradient (the input).</summary>
    Decrypt,

    /// <summary>Guest or host: remove the masks from the decrypted gradient (the input) and step. Answered by an empty <see cref="LinearValues"/>.</summary>
    Unmask,

    /// <summary>Host: its plain partial scores of the held-out rows (vertical inference).</summary>
    HoldoutScores,

    /// <summary>Guest: score the held-out rows with the hosts' partial scores (the inputs). Answered by <see cref="HeldOutScores"/>.</summary>
    Evaluate,
}

/// <summary>One step of vertical linear training for the mini-batch (<paramref name="Epoch"/>, <paramref name="Index"/>), number <paramref name="Batch"/> of the job.</summary>
public sealed record LinearBatchStep(string Job, LinearStepKind Kind, int Epoch, int Index, long Batch, IReadOnlyList<LinearValues> Inputs) : VerticalMessage
{
    public override string Name => $"linear-{Kind.ToString().ToLowerInvariant()}";

    public override long PayloadBytes => Inputs.Sum(i => i.PayloadBytes);
}

/// <summary>What a <see cref="LinearValues"/> carries.</summary>
public enum LinearValuesKind
{
    /// <summary>No values (an acknowledgement).</summary>
    None,

    /// <summary><see cref="PartialScoresMessage"/>.</summary>
    PartialScores,

    /// <summary><see cref="ResidualMessage"/>.</summary>
    Residual,

    /// <summary><see cref="MaskedGradientMessage"/>.</summary>
    MaskedGradient,

    /// <summary><see cref="DecryptedGradientMessage"/>.</summary>
    DecryptedGradient,

    /// <summary>The guest's predictions for requested IDs (NaN where a party does not hold the ID).</summary>
    Predictions,
}

/// <summary>
/// One of the linear protocol's value messages as it crosses the coordinator: plain numbers, Paillier ciphertexts as
/// bytes (only a party with the job's public key reads them) or decrypted masked integers.
/// </summary>
public sealed record LinearValues(
    LinearValuesKind Kind, long Batch, int Host, double Scale, double[]? Plain, IReadOnlyList<byte[]>? Ciphertexts, IReadOnlyList<BigInteger>? Integers) : VerticalMessage
{
    /// <summary>An empty reply.</summary>
    public static LinearValues None { get; } = new(LinearValuesKind.None, -1, -1, 0, null, null, null);

    public override string Name => $"linear-values-{Kind.ToString().ToLowerInvariant()}";

    public override long PayloadBytes => (Plain?.Length ?? 0) * sizeof(double) + (Ciphertexts?.Sum(c => (long)c.Length) ?? 0) + (Integers?.Sum(i => (long)i.GetByteCount()) ?? 0);
}

/// <summary>
/// Vertical inference of IDs after training: a host answers its plain partial scores of the IDs (NaN where it does
/// not hold one); the guest, given the hosts' scores as <c>Inputs</c>, answers the predictions (σ(u) for logistic
/// losses, u for the squared loss; NaN where any party lacks the ID). The IDs are normalised as PSI normalises them.
/// </summary>
public sealed record LinearScoreIds(string Job, IReadOnlyList<string> Ids, IReadOnlyList<LinearValues> Inputs) : VerticalMessage
{
    public override string Name => "linear-score-ids";

    public override long PayloadBytes => Inputs.Sum(i => i.PayloadBytes);
}

/// <summary>
/// Opens split-network training at a party on the rows PSI aligned (as <see cref="LinearOpen"/>): <c>Party</c> 0 is the
/// guest (its bottom model and the top model over all <c>Parties</c> embeddings), 1… the hosts. Answered by
/// <see cref="TrainingOpened"/> (rows and features; no key).
/// </summary>
public sealed record SplitOpen(string Job, VerticalRole Role, int Party, int Parties, SplitNetworkOptions Options, ulong HoldoutSeed, double HoldoutFraction) : VerticalMessage
{
    public override string Name => "split-open";
}

/// <summary>What a <see cref="SplitBatchStep"/> asks of a party.</summary>
public enum SplitStepKind
{
    /// <summary>Any party: the embeddings of the batch rows by its bottom model.</summary>
    Forward,

    /// <summary>Guest: the top model's step on every party's embeddings (the inputs); answers each party's embedding gradient.</summary>
    Top,

    /// <summary>Any party: backpropagate its embedding gradient (the input) through its bottom model and step.</summary>
    Backward,

    /// <summary>Any party: the embeddings of its held-out rows (vertical inference).</summary>
    HoldoutEmbed,

    /// <summary>Guest: score the held-out rows from every party's embeddings (the inputs). Answered by <see cref="HeldOutScores"/>.</summary>
    Evaluate,
}

/// <summary>One step of split-network training for the mini-batch (<c>Epoch</c>, <c>Index</c>), number <c>Batch</c> of the job.</summary>
public sealed record SplitBatchStep(string Job, SplitStepKind Kind, int Epoch, int Index, long Batch, IReadOnlyList<SplitValues> Inputs) : VerticalMessage
{
    public override string Name => $"split-{Kind.ToString().ToLowerInvariant()}";

    public override long PayloadBytes => Inputs.Sum(i => i.PayloadBytes);
}

/// <summary>A party's embedding of a batch (rows × <c>Width</c> floats) or the gradient of the loss with respect to it; they cross in the clear (docs/vertical.md).</summary>
public sealed record SplitValues(int Party, long Batch, int Width, float[] Values) : VerticalMessage
{
    public override string Name => "split-values";

    public override long PayloadBytes => (long)Values.Length * sizeof(float);
}

/// <summary>A party's answer to a split step: its embedding, every party's gradient (the guest's top step), or nothing.</summary>
public sealed record SplitReply(IReadOnlyList<SplitValues> Values) : VerticalMessage
{
    public override string Name => "split-reply";

    public override long PayloadBytes => Values.Sum(v => v.PayloadBytes);
}

/// <summary>The guest's scores of the held-out rows: accuracy, ROC AUC and mean log loss (logistic), or RMSE in <paramref name="Loss"/> (squared; accuracy and AUC 0).</summary>
public sealed record HeldOutScores(int Rows, double Accuracy, double Auc, double Loss) : VerticalMessage
{
    public override string Name => "held-out-scores";

    /// <summary>The scores of a classifier's probabilities of class 1 against 0/1 labels.</summary>
    public static HeldOutScores OfProbabilities(IEnumerable<double> probabilities, float[] labels)
    {
        var p = probabilities.Select(x => (float)x).ToArray();
        return new(labels.Length, ClassificationMetrics.Accuracy(p, labels), ClassificationMetrics.RocAuc(p, labels), ClassificationMetrics.LogLoss(p, labels));
    }
}

/// <summary>
/// Opens federated transfer learning (docs/transfer.md, FTL) on the job's aligned IDs: the guest is the labelled source,
/// the one host the target. Answered by <see cref="TrainingOpened"/> with the party's own Paillier public key.
/// </summary>
/// <param name="Job">The job.</param>
/// <param name="Role">Guest (the source) or host (the target).</param>
/// <param name="Options">The training settings both parties share.</param>
/// <param name="HoldoutSeed">The public holdout rule's seed: held-out overlap IDs are scored, not trained on.</param>
/// <param name="HoldoutFraction">The rule's share of held-out IDs.</param>
/// <param name="SourceColumns">The target only: the source's encoded columns, so that both initialise from the job's one seed in turn, as <see cref="Transfer.FederatedTransfer.Train"/> does.</param>
public sealed record TransferOpen(string Job, VerticalRole Role, Transfer.TransferOptions Options, ulong HoldoutSeed, double HoldoutFraction, int SourceColumns) : VerticalMessage
{
    public override string Name => "transfer-open";
}

/// <summary>What a <see cref="TransferStep"/> asks of a party; in this order once per training step, then the scoring.</summary>
public enum TransferStepKind
{
    /// <summary>Source: its representations now; answers Φ and E_A(a_i) for the training overlap.</summary>
    SourceTerms,

    /// <summary>Target (given Φ and E_A(a_i)): its representations now; answers its gradient's source part under E_A, masked.</summary>
    TargetMasked,

    /// <summary>Source: decrypts the masked sums it is given, under its own key.</summary>
    SourceDecrypt,

    /// <summary>Target (given the decrypted sums): removes its masks, answers E_B(v_i) and E_B(S), then steps.</summary>
    TargetUnmask,

    /// <summary>Source (given E_B(v_i), E_B(S) and the target's key): answers its gradient's target part under E_B, masked.</summary>
    SourceMasked,

    /// <summary>Target: decrypts the masked sums it is given, under its own key.</summary>
    TargetDecrypt,

    /// <summary>Source (given the decrypted sums): removes its masks and steps.</summary>
    SourceStep,

    /// <summary>Target (given the final Φ): answers σ(Φ·v) for its held-out overlap rows.</summary>
    TargetScore,

    /// <summary>Source (given those scores): answers <see cref="HeldOutScores"/> against its labels.</summary>
    SourceEvaluate,
}

/// <summary>One step of federated transfer learning.</summary>
/// <param name="Job">The job.</param>
/// <param name="Kind">What is asked.</param>
/// <param name="Epoch">The training step (0-based), or -1 for scoring.</param>
/// <param name="Numbers">Φ where the step takes it, the target's held-out scores for <see cref="TransferStepKind.SourceEvaluate"/>; empty otherwise.</param>
/// <param name="Values">Ciphertexts (fixed width, big-endian) or decrypted integers (two's complement, big-endian), as the kind says.</param>
/// <param name="Outer">E_B(S) for <see cref="TransferStepKind.SourceMasked"/>; empty otherwise.</param>
/// <param name="PeerKey">The other party's Paillier public key, where the step encrypts or computes under it; empty otherwise.</param>
public sealed record TransferStep(string Job, TransferStepKind Kind, int Epoch, double[] Numbers, IReadOnlyList<byte[]> Values, IReadOnlyList<byte[]> Outer, byte[] PeerKey) : VerticalMessage
{
    public override string Name => $"transfer-{Kind.ToString().ToLowerInvariant()}";

    public override long PayloadBytes => (8L * Numbers.Length) + Values.Sum(v => (long)v.Length) + Outer.Sum(v => (long)v.Length) + PeerKey.Length;
}

/// <summary>A party's answer to a <see cref="TransferStep"/>: Φ where it sends it, and ciphertexts, integers or scores.</summary>
/// <param name="Phi">Φ (the source's terms), or empty.</param>
/// <param name="Values">Ciphertexts or decrypted integers, as the step's kind says; empty for a step.</param>
/// <param name="Outer">E_B(S) (the target's unmask step), or empty.</param>
/// <param name="Scores">σ(Φ·v) of the held-out overlap rows (the target's scoring), or empty.</param>
public sealed record TransferValues(double[] Phi, IReadOnlyList<byte[]> Values, IReadOnlyList<byte[]> Outer, double[] Scores) : VerticalMessage
{
    public override string Name => "transfer-values";

    public override long PayloadBytes => (8L * (Phi.Length + Scores.Length)) + Values.Sum(v => (long)v.Length) + Outer.Sum(v => (long)v.Length);
}
