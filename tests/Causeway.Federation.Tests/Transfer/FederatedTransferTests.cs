using Causeway.Federation.Transfer;
using Causeway.Federation.Vertical.Training;

namespace Causeway.Federation.Tests.Transfer;

/// <summary>
/// Federated transfer learning: one step's gradients are those of the stated (Taylor) loss, and the Paillier-protected
/// exchange trains the same model as the exchange in the clear.
/// </summary>
public sealed class FederatedTransferTests
{
    private static readonly TransferOptions Options = new() { Dimension = 2, Gamma = 0.5, L2 = 0.01, LearningRate = 0.1, Epochs = 1, Seed = 7 };

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.7)]
    public void Step_PlainExchange_MovesBothPartiesAlongTheLossGradient(double sourceWeight)
    {
        var (source, labels, target, overlap) = Data();
        var options = Options with { SourceWeight = sourceWeight };
        var a = new TransferSource(source, labels, [.. overlap.Select(p => p.Source)], options, new Random(1));
        var b = new TransferTarget(target, [.. overlap.Select(p => p.Target)], options, new Random(2));
        var (wa, wb) = (a.Weights.ToArray(), b.Weights.ToArray());

        a.Represent();
        b.Represent();
        var phi = a.Phi();
        var targetGradient = b.PlainGradient(a.OwnTerms(phi));
        var sourceGradient = a.PlainGradient(phi, b.Representations());
        b.Step(phi, targetGradient);
        a.Step(sourceGradient);

        // W' = W − η(G + λW) (no penalty on biases), so G = (W − W')/η − λW; compare with central differences of L.
        foreach (var (before, after, columns, isSource) in new[] { (wa, a.Weights, source.Columns, true), (wb, b.Weights, target.Columns, false) })
        {
            for (var i = 0; i < before.Length; i++)
            {
                var penalty = i % (columns + 1) == columns ? 0 : Options.L2 * before[i];
                var taken = ((before[i] - after[i]) / Options.LearningRate) - penalty;
                double LossAt(double delta)
                {
                    var (sa, sb) = (wa.ToArray(), wb.ToArray());
                    (isSource ? sa : sb)[i] += delta;
                    return Loss(sa, sb, source, labels, target, overlap, sourceWeight);
                }

                var numeric = (LossAt(1e-6) - LossAt(-1e-6)) / 2e-6;
                Assert.Equal(numeric, taken, 1e-5);
            }
        }
    }

    [Fact]
    public void Train_Protected_GivesTheModelOfThePlainExchange()
    {
        var (source, labels, target, overlap) = Data();
        var options = Options with { Epochs = 3, SourceWeight = 0.5 };

        var plain = FederatedTransfer.Train(source, labels, target, overlap, options with { Protected = false }).Predict(target);
        var secured = FederatedTransfer.Train(source, labels, target, overlap, options with { Protected = true }).Predict(target);

        Assert.All(plain.Zip(secured), p => Assert.Equal(p.First, p.Second, 1e-5));
        Assert.True(plain.Max() - plain.Min() > 1e-3, "the scores should differ between rows");
    }

    // The loss of FederatedTransfer's remarks, written out independently: Taylor logistic + alignment over the overlap, plus α
    // times the source's own Taylor loss over all its rows (no penalty: the test adds it).
    private static double Loss(double[] wa, double[] wb, VerticalPartyData source, float[] labels, VerticalPartyData target, IReadOnlyList<(int Source, int Target)> overlap, double sourceWeight)
    {
        var d = Options.Dimension;
        double[] Represent(double[] w, VerticalPartyData data, int row)
        {
            var r = new double[d];
            TransferRepresentation.Apply(w, data.Row(row), r);
            return r;
        }

        var positives = labels.Count(l => l > 0.5f);
        var phi = new double[d];
        for (var k = 0; k < source.Rows; k++)
        {
            var u = Represent(wa, source, k);
            var weight = labels[k] > 0.5f ? 1.0 / positives : -1.0 / (source.Rows - positives);
            for (var j = 0; j < d; j++)
            {
                phi[j] += weight * u[j];
            }
        }

        var loss = 0.0;
        foreach (var (s, t) in overlap)
        {
            var (u, v) = (Represent(wa, source, s), Represent(wb, target, t));
            var y = labels[s] > 0.5f ? 1.0 : -1.0;
            var z = phi.Zip(v, (p, q) => p * q).Sum();
            loss += Math.Log(2) - (0.5 * y * z) + (z * z / 8) + (Options.Gamma * u.Zip(v, (p, q) => (p - q) * (p - q)).Sum());
        }

        var own = 0.0;
        for (var k = 0; k < source.Rows; k++)
        {
            var y = labels[k] > 0.5f ? 1.0 : -1.0;
            var z = phi.Zip(Represent(wa, source, k), (p, q) => p * q).Sum();
            own += Math.Log(2) - (0.5 * y * z) + (z * z / 8);
        }

        return (loss / overlap.Count) + (sourceWeight * own / source.Rows);
    }

    private static (VerticalPartyData Source, float[] Labels, VerticalPartyData Target, IReadOnlyList<(int Source, int Target)> Overlap) Data()
    {
        var random = new Random(3);
        float Next() => (float)((random.NextDouble() * 2) - 1);
        var source = new VerticalPartyData([.. Enumerable.Range(0, 30 * 3).Select(_ => Next())], 30, 3);
        var labels = Enumerable.Range(0, 30).Select(k => source.Row(k)[0] + (0.5f * source.Row(k)[1]) > 0 ? 1f : 0f).ToArray();
        var target = new VerticalPartyData([.. Enumerable.Range(0, 20 * 2).Select(_ => Next())], 20, 2);
        return (source, labels, target, [.. Enumerable.Range(0, 8).Select(i => (Source: 22 + i, Target: i))]);
    }
}
