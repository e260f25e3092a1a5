using Causeway.Federation.Vertical.Data;
using Causeway.Federation.Vertical.Training;
using Causeway.Privacy.Paillier;
using Causeway.Privacy.Psi;

namespace Causeway.Federation.Vertical.Network;

/// <summary>
/// A party's half of vertical linear training in a job: the guest, a host or the arbiter, fed by
/// <see cref="LinearBatchStep"/>s. It turns the relayed <see cref="LinearValues"/> into the protocol's messages under
/// the job's public key (checking every ciphertext) and back.
/// </summary>
internal sealed class LinearRole : IDisposable
{
    private readonly LinearOpen _open;
    private readonly PaillierPrivateKey? _privateKey;
    private readonly PaillierPublicKey? _publicKey;
    private readonly HeteroLinearGuest? _guest;
    private readonly HeteroLinearHost? _host;
    private readonly HeteroLinearArbiter? _arbiter;
    private readonly VerticalPartyData? _test;
    private readonly float[]? _testLabels;
    private readonly EpochBatches _batches;

    private LinearRole(LinearOpen open, PaillierPrivateKey? privateKey, PaillierPublicKey? publicKey, TrainingOpened opened)
    {
        _open = open;
        _privateKey = privateKey;
        _publicKey = publicKey;
        Opened = opened;
        _batches = new EpochBatches(open.Job, opened.TrainRows, open.Options.BatchSize, open.Options.Epochs, open.Options.Seed);
    }

    private LinearRole(LinearOpen open, PaillierPrivateKey? privateKey, PaillierPublicKey? publicKey, TrainingOpened opened, HeteroLinearGuest? guest, HeteroLinearHost? host, VerticalPartyData test, float[]? testLabels)
        : this(open, privateKey, publicKey, opened)
    {
        _guest = guest;
        _host = host;
        _test = test;
        _testLabels = testLabels;
    }

    private LinearRole(LinearOpen open, PaillierPrivateKey key)
        : this(open, key, key.PublicKey, new TrainingOpened(0, 0, 0, key.PublicKey.ToBytes())) =>
        _arbiter = new HeteroLinearArbiter(key);

    /// <summary>The answer to the open step.</summary>
    public TrainingOpened Opened { get; }

    /// <summary>The arbiter of a job: generates the key pair and answers its public key.</summary>
    public static LinearRole Arbiter(LinearOpen open)
    {
        if (open.Options.Encryption != VerticalEncryption.Arbiter)
        {
            throw new InvalidOperationException($"Job '{open.Job}': an arbiter takes part only in arbiter-mode encryption, not '{open.Options.Encryption}'.");
        }

        return new LinearRole(open, PaillierPrivateKey.Generate(open.KeyBits));
    }

    /// <summary>The guest or a host on its aligned rows (<paramref name="train"/> and <paramref name="test"/> IDs in the canonical order).</summary>
    public static LinearRole Party(LinearOpen open, VerticalTable table, IReadOnlyList<string> train, IReadOnlyList<string> test)
    {
        open.Options.Validate();
        var trainData = table.Align(train);
        var testData = table.Align(test);
        if (open.Role == VerticalRole.Guest)
        {
            if (table.Labels is null)
            {
                throw new InvalidOperationException($"Job '{open.Job}': the guest holds the labels, and {table.SourceName} has no label column.");
            }

            var own = open.Options.Encryption == VerticalEncryption.TwoParty ? PaillierPrivateKey.Generate(open.KeyBits) : null;
            var arbiterKey = open.Options.Encryption == VerticalEncryption.Arbiter ? PublicKeyOf(open) : null;
            var guest = new HeteroLinearGuest(trainData, table.AlignLabels(train), open.Options, arbiterKey, own);
            var opened = new TrainingOpened(train.Count, test.Count, trainData.Columns, own?.PublicKey.ToBytes());
            return new LinearRole(open, own, own?.PublicKey ?? arbiterKey, opened, guest, null, testData, table.AlignLabels(test));
        }

        var key = open.Options.Encryption == VerticalEncryption.None ? null : PublicKeyOf(open);
        var host = new HeteroLinearHost(open.Host, trainData, open.Options, key);
        return new LinearRole(open, null, key, new TrainingOpened(train.Count, test.Count, trainData.Columns, null), null, host, testData, null);
    }

    /// <summary>Takes one step of the protocol.</summary>
    public VerticalMessage Take(LinearBatchStep step) => step.Kind switch
    {
        LinearStepKind.Scores => Values(Host.ComputeScores(step.Batch, BatchRows(step))),
        LinearStepKind.Residual => Values(Guest.ComputeResidual(step.Batch, BatchRows(step), [.. step.Inputs.Select(v => Finite(ToScores(v)))])),
        LinearStepKind.Gradient => Host.ReceiveResidual(ToResidual(Single(step))) is { } masked ? Values(masked, _open.Host) : LinearValues.None,
        LinearStepKind.MaskOwn => Values(Guest.MaskOwnGradient(), -1),
        LinearStepKind.Decrypt => Values(Decrypt(ToMasked(Single(step)))),
        LinearStepKind.Unmask => Unmask(ToDecrypted(Single(step))),
        LinearStepKind.HoldoutScores => Values(new PartialScoresMessage(_open.Host, -1, VerticalScoring.PartialScores(Host.Weights, intercept: false, _test!), null)),
        LinearStepKind.Evaluate => Evaluate([.. step.Inputs.Select(ToScores)]),
        _ => throw new ArgumentException($"Unknown linear step {step.Kind}."),
    };

    /// <summary>Vertical inference of IDs from this party's own rows (see <see cref="LinearScoreIds"/>).</summary>
    public LinearValues Score(LinearScoreIds request, VerticalTable table)
    {
        var normalizer = new PsiIdNormalizer(PsiIdOptions.Default);
        var guest = _guest is not null;
        var weights = guest ? _guest!.Weights : Host.Weights;
        var scores = new double[request.Ids.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = TryNormalize(normalizer, request.Ids[i], i) is { } id && table.TryFindRow(id, out var row)
                ? VerticalScoring.Score(weights, guest, table.Features.Row(row))
                : double.NaN;
        }

        if (!guest)
        {
            return new LinearValues(LinearValuesKind.PartialScores, -1, _open.Host, 0, scores, null, null);
        }

        var predictions = VerticalScoring.Combine(_open.Options.Loss, scores, [.. request.Inputs.Select(ToScores)]);
        return new LinearValues(LinearValuesKind.Predictions, -1, -1, 0, predictions, null, null);
    }

    public void Dispose() => _privateKey?.Dispose();

    private static string? TryNormalize(PsiIdNormalizer normalizer, string id, int position)
    {
        try
        {
            return normalizer.Normalize(id, position);
        }
        catch (InvalidPsiIdException)
        {
            return null;
        }
    }

    private HeteroLinearGuest Guest => _guest ?? throw new InvalidOperationException($"Job '{_open.Job}': this step is the guest's, and this party is the {_open.Role}.");

    private HeteroLinearHost Host => _host ?? throw new InvalidOperationException($"Job '{_open.Job}': this step is a host's, and this party is the {_open.Role}.");

    private static PaillierPublicKey PublicKeyOf(LinearOpen open) =>
        PaillierPublicKey.FromBytes(open.PublicKey ?? throw new InvalidOperationException($"Job '{open.Job}': encrypted training needs the key holder's public key."));

    // Training scores must be numbers (a host's NaN would poison the guest's weights); only scoring marks missing IDs so.
    private static PartialScoresMessage Finite(PartialScoresMessage scores) =>
        scores.Plain is { } plain && plain.Any(x => !double.IsFinite(x))
            ? throw new ArgumentException($"Host {scores.Host}'s partial scores of batch {scores.Batch} are not all finite.")
            : scores;

    private static LinearValues Single(LinearBatchStep step) =>
        step.Inputs.Count == 1 ? step.Inputs[0] : throw new ArgumentException($"Step {step.Name} takes one input, got {step.Inputs.Count}.");

    private int[] BatchRows(LinearBatchStep step) => _batches.Rows(step.Epoch, step.Index);

    private DecryptedGradientMessage Decrypt(MaskedGradientMessage masked) =>
        _arbiter is not null ? _arbiter.Decrypt(masked) : Guest.DecryptHostGradient(masked);

    private LinearValues Unmask(DecryptedGradientMessage gradient)
    {
        if (_guest is not null)
        {
            _guest.ReceiveGradient(gradient);
        }
        else
        {
            Host.ReceiveGradient(gradient);
        }

        return LinearValues.None;
    }

    private HeldOutScores Evaluate(IReadOnlyList<PartialScoresMessage> hostScores)
    {
        var guestScores = VerticalScoring.PartialScores(Guest.Weights, intercept: true, _test!);
        var predictions = VerticalScoring.Combine(_open.Options.Loss, guestScores, hostScores);
        var labels = _testLabels!;
        if (_open.Options.Loss == VerticalLoss.Squared)
        {
            var squares = 0.0;
            for (var i = 0; i < labels.Length; i++)
            {
                squares += (predictions[i] - labels[i]) * (predictions[i] - labels[i]);
            }

            return new HeldOutScores(labels.Length, 0, 0, labels.Length == 0 ? 0 : Math.Sqrt(squares / labels.Length));
        }

        return HeldOutScores.OfProbabilities(predictions, labels);
    }

    private static LinearValues Values(PartialScoresMessage m) =>
        new(LinearValuesKind.PartialScores, m.Batch, m.Host, 0, m.Plain, m.Encrypted?.Select(c => c.ToBytes()).ToList(), null);

    private static LinearValues Values(ResidualMessage m) =>
        new(LinearValuesKind.Residual, m.Batch, -1, m.Scale, m.Plain, m.Encrypted?.Select(c => c.ToBytes()).ToList(), null);

    private static LinearValues Values(MaskedGradientMessage m, int host) =>
        new(LinearValuesKind.MaskedGradient, m.Batch, host, 0, null, [.. m.Values.Select(c => c.ToBytes())], null);

    private static LinearValues Values(DecryptedGradientMessage m) =>
        new(LinearValuesKind.DecryptedGradient, m.Batch, -1, 0, null, null, m.Values);

    private PartialScoresMessage ToScores(LinearValues v) =>
        new(v.Host, v.Batch, v.Plain, v.Ciphertexts is null ? null : Ciphertexts(Expect(v, LinearValuesKind.PartialScores).Ciphertexts!));

    private ResidualMessage ToResidual(LinearValues v) =>
        Expect(v, LinearValuesKind.Residual).Scale != ResidualForm.Scale(_open.Options.Loss)
            ? throw new ArgumentException($"A residual's scale must be the job's loss's ({ResidualForm.Scale(_open.Options.Loss)}).")
            : new(v.Batch, v.Scale, v.Plain, v.Ciphertexts is null ? null : Ciphertexts(v.Ciphertexts));

    private MaskedGradientMessage ToMasked(LinearValues v) =>
        new(Expect(v, LinearValuesKind.MaskedGradient).Batch, Ciphertexts(v.Ciphertexts ?? throw new ArgumentException("A masked gradient carries ciphertexts.")));

    private static DecryptedGradientMessage ToDecrypted(LinearValues v) =>
        new(Expect(v, LinearValuesKind.DecryptedGradient).Batch, v.Integers ?? []);

    private static LinearValues Expect(LinearValues v, LinearValuesKind kind) =>
        v.Kind == kind ? v : throw new ArgumentException($"Expected {kind} values, got {v.Kind}.");

    private PaillierCiphertext[] Ciphertexts(IReadOnlyList<byte[]> bytes)
    {
        var key = _publicKey ?? throw new InvalidOperationException($"Job '{_open.Job}': this party trains without encryption and takes no ciphertexts.");
        return [.. bytes.Select(b => key.CiphertextFromBytes(b))];
    }
}
