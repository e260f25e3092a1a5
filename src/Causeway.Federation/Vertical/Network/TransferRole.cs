using System.Numerics;
using Causeway.Federation.Transfer;
using Causeway.Federation.Vertical.Data;
using Causeway.Federation.Vertical.Training;
using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Vertical.Network;

/// <summary>
/// A party's part of federated transfer learning in a job (docs/transfer.md, FTL): the source (the guest, with the
/// labels) or the target (the one host), fed by <see cref="TransferStep"/>s in the order of
/// <see cref="FederatedTransfer.Train"/>'s protected exchange. Each party holds its own Paillier key pair and keeps the
/// masks of the sums it sends for decryption.
/// </summary>
internal sealed class TransferRole : IDisposable
{
    private readonly TransferOpen _open;
    private readonly TransferSource? _source;
    private readonly TransferTarget? _target;
    private readonly VerticalPartyData _heldOut;
    private readonly float[]? _heldOutLabels;
    private readonly PaillierPrivateKey _key;
    private MaskedSums? _pending;
    private double[] _phi = [];
    private double[]? _targetGradient;

    private TransferRole(TransferOpen open, TransferSource? source, TransferTarget? target, VerticalPartyData heldOut, float[]? heldOutLabels, int trainRows)
    {
        _open = open;
        _source = source;
        _target = target;
        _heldOut = heldOut;
        _heldOutLabels = heldOutLabels;
        _key = PaillierPrivateKey.Generate(open.Options.KeyBits);
        Opened = new TrainingOpened(trainRows, heldOut.Rows, heldOut.Columns, _key.PublicKey.ToBytes());
    }

    /// <summary>The answer to the open step, with this party's public key.</summary>
    public TrainingOpened Opened { get; }

    /// <summary>The source on all its labelled rows, or the target on all its rows; the overlap is the training IDs.</summary>
    public static TransferRole Create(TransferOpen open, VerticalTable table, IReadOnlyList<string> train, IReadOnlyList<string> test)
    {
        var options = open.Options;
        var overlap = table.RowsOf(train);
        if (overlap.Length == 0)
        {
            throw new InvalidOperationException($"Job '{open.Job}': no aligned IDs to train on.");
        }

        // One seed for the job, drawn in turn as the in-process trainer draws it: the source's weights, then the target's.
        var random = new Random((int)(options.Seed & 0x7FFFFFFF));
        if (open.Role == VerticalRole.Guest)
        {
            var labels = table.Labels ?? throw new InvalidOperationException($"Job '{open.Job}': the source holds the labels, and {table.SourceName} has no label column.");
            var source = new TransferSource(table.Features, labels, overlap, options, random);
            return new TransferRole(open, source, null, table.Align(test), table.AlignLabels(test), overlap.Length);
        }

        for (var draw = 0; draw < options.Dimension * (open.SourceColumns + 1); draw++)
        {
            random.NextDouble();
        }

        return new TransferRole(open, null, new TransferTarget(table.Features, overlap, options, random), table.Align(test), null, overlap.Length);
    }

    /// <summary>The target's model as trained so far (Φ as last received); null at the source.</summary>
    public TransferModel? Model => _target is null ? null : new TransferModel(_target.Weights, _phi, _heldOut.Columns, _open.Options.Dimension);

    /// <summary>Takes one step of the protocol.</summary>
    public VerticalMessage Take(TransferStep step)
    {
        switch (step.Kind)
        {
            case TransferStepKind.SourceTerms:
                Source.Represent();
                _phi = Source.Phi();
                return Reply(phi: _phi, values: Bytes(Source.EncryptedOwnTerms(_phi, _key.PublicKey)));
            case TransferStepKind.TargetMasked:
                Expect(step.Values.Count, Opened.TrainRows * _open.Options.Dimension, "E_A(a_i), one per overlap row and dimension");
                Expect(step.Numbers.Length, _open.Options.Dimension, "Φ");
                Target.Represent();
                _phi = step.Numbers;
                _pending = Target.MaskedGradient(Ciphertexts(step.Values, PaillierPublicKey.FromBytes(step.PeerKey)));
                return Reply(values: Bytes(_pending.Values));
            case TransferStepKind.SourceDecrypt:
            case TransferStepKind.TargetDecrypt:
                return Reply(values: [.. FederatedTransfer.Decrypt(_key, Ciphertexts(step.Values, _key.PublicKey)).Select(v => v.ToByteArray(isBigEndian: true))]);
            case TransferStepKind.TargetUnmask:
                _targetGradient = Unmask(step.Values);
                var encrypted = Target.EncryptedRepresentations(_key.PublicKey);
                Target.Step(_phi, _targetGradient);
                return Reply(values: Bytes(encrypted.Representations), outer: Bytes(encrypted.Outer));
            case TransferStepKind.SourceMasked:
                Expect(step.Values.Count, Opened.TrainRows * _open.Options.Dimension, "E_B(v_i), one per overlap row and dimension");
                Expect(step.Outer.Count, _open.Options.Dimension * _open.Options.Dimension, "E_B(S), d × d");
                var targetKey = PaillierPublicKey.FromBytes(step.PeerKey);
                _pending = Source.MaskedGradient(_phi, new TargetRepresentations(Ciphertexts(step.Values, targetKey), Ciphertexts(step.Outer, targetKey), targetKey));
                return Reply(values: Bytes(_pending.Values));
            case TransferStepKind.SourceStep:
                Source.Step(Unmask(step.Values));
                Source.Represent();
                return Reply(phi: Source.Phi());
            case TransferStepKind.TargetScore:
                Expect(step.Numbers.Length, _open.Options.Dimension, "Φ");
                _phi = step.Numbers;
                return Reply(scores: [.. Model!.Predict(_heldOut).Select(p => (double)p)]);
            case TransferStepKind.SourceEvaluate:
                _ = Source;
                Expect(step.Numbers.Length, _heldOut.Rows, "scores, one per held-out overlap row");
                return HeldOutScores.OfProbabilities(step.Numbers, _heldOutLabels!);
            default:
                throw new ArgumentException($"Unknown transfer step {step.Kind}.");
        }
    }

    public void Dispose() => _key.Dispose();

    private void Expect(int count, int expected, string what)
    {
        if (count != expected)
        {
            throw new ArgumentException($"Job '{_open.Job}': the step carries {count} values of {what}; expected {expected}.");
        }
    }

    private TransferSource Source => _source ?? throw new InvalidOperationException($"Job '{_open.Job}': this step is the source's (the guest's), and this party is the target.");

    private TransferTarget Target => _target ?? throw new InvalidOperationException($"Job '{_open.Job}': this step is the target's (the host's), and this party is the source.");

    private double[] Unmask(IReadOnlyList<byte[]> decrypted)
    {
        var pending = _pending ?? throw new InvalidOperationException($"Job '{_open.Job}': no masked sums are waiting for their decryption.");
        _pending = null;
        return pending.Unmask([.. decrypted.Select(v => new BigInteger(v, isBigEndian: true))]);
    }

    private static PaillierCiphertext[] Ciphertexts(IReadOnlyList<byte[]> values, PaillierPublicKey key) => [.. values.Select(v => PaillierCiphertext.FromBytes(key, v))];

    private static byte[][] Bytes(IEnumerable<PaillierCiphertext> values) => [.. values.Select(v => v.ToBytes())];

    private static TransferValues Reply(double[]? phi = null, IReadOnlyList<byte[]>? values = null, IReadOnlyList<byte[]>? outer = null, double[]? scores = null) =>
        new(phi ?? [], values ?? [], outer ?? [], scores ?? []);
}
