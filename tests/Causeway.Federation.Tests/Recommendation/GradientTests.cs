using Causeway.Core.Tensors;
using Causeway.Federation.Recommendation;
using Causeway.Federation.Recommendation.Data;
using Causeway.Federation.Recommendation.Models;

namespace Causeway.Federation.Tests.Recommendation;

/// <summary>The analytic gradients the kernels use, against central finite differences of the loss computed in double.</summary>
public sealed class GradientTests
{
    private const double H = 1e-3;
    private const float Mu = 3.5f;
    private const float Lambda = 0.02f;

    [Fact]
    public void MfStep_EqualsLearningRateTimesNegativeFiniteDifferenceGradient()
    {
        var random = new Random(3);
        var p = RandomVector(random, 8);
        var q = RandomVector(random, 8);
        float bu = 0.3f, bi = -0.2f, rating = 4.5f, rate = 0.01f;
        var theta = Pack(bu, bi, p, q);
        var gradient = FiniteDifference(theta, t => MfLoss(rating, t, p.Length));

        var error = MatrixFactorizationKernel.Error(rating, Mu, bu, bi, p, q);
        MatrixFactorizationKernel.Step(error, ref bu, ref bi, p, q, rate, Lambda);

        var stepped = Pack(bu, bi, p, q);
        for (var j = 0; j < theta.Length; j++)
        {
            Assert.Equal(theta[j] - (rate * gradient[j]), stepped[j], 1e-5);
        }
    }

    [Fact]
    public void MfUserStep_MovesOnlyTheUserAlongTheirGradient()
    {
        var random = new Random(4);
        var p = RandomVector(random, 5);
        var q = RandomVector(random, 5);
        var qBefore = (float[])q.Clone();
        float bu = 0.1f, bi = 0.4f, rating = 2f, rate = 0.02f;
        var theta = Pack(bu, bi, p, q);
        var gradient = FiniteDifference(theta, t => MfLoss(rating, t, p.Length));

        MatrixFactorizationKernel.UserStep(MatrixFactorizationKernel.Error(rating, Mu, bu, bi, p, q), ref bu, p, q, rate, Lambda);

        Assert.Equal(theta[0] - (rate * gradient[0]), bu, 1e-5);
        for (var f = 0; f < p.Length; f++)
        {
            Assert.Equal(theta[2 + f] - (rate * gradient[2 + f]), p[f], 1e-5);
        }

        Assert.Equal(qBefore, q);
    }

    [Fact]
    public void BprStep_EqualsLearningRateTimesNegativeFiniteDifferenceGradient()
    {
        var random = new Random(5);
        var p = RandomVector(random, 6);
        var qi = RandomVector(random, 6);
        var qj = RandomVector(random, 6);
        float bi = 0.2f, bj = 0.5f, rate = 0.05f;
        var theta = Pack(bi, bj, p, qi, qj);
        var gradient = FiniteDifference(theta, t => BprLoss(t, p.Length));

        var margin = BprKernel.Margin(p, qi, bi, qj, bj);
        BprKernel.Step(BprKernel.Weight(margin), p, qi, ref bi, qj, ref bj, rate, Lambda);

        Assert.Equal(BprLoss(theta, p.Length) - (Lambda / 2 * Norms(theta)), BprKernel.Loss(margin), 1e-5);
        var stepped = Pack(bi, bj, p, qi, qj);
        for (var j = 0; j < theta.Length; j++)
        {
            Assert.Equal(theta[j] - (rate * gradient[j]), stepped[j], 1e-5);
        }
    }

    [Fact]
    public void MfGradientUpdate_IsTheNegativeGradientOfThePartysLoss()
    {
        var (data, spec) = SmallData(RecommenderKind.MatrixFactorization);
        var global = spec.Initialize(11);
        var users = UserState.Initialize(data, spec, 11);
        var local = new LocalRecommender(data, spec, users, new ItemUpdateLayouts(spec.Factors));
        var plan = new RecommendationPlan { Update = ItemUpdate.Gradient, UserEpochs = 0, Regularization = Lambda };

        var (update, _) = local.Train(global, plan, new Random(1));

        double Loss(ParameterSet items)
        {
            double total = 0;
            for (var t = 0; t < data.TrainCount; t++)
            {
                var u = data.TrainUsers[t];
                var i = data.TrainItems[t];
                var theta = Pack(users.Bias[u], items[ItemModel.Bias][i], users.FactorsOf(u).ToArray(), items[ItemModel.Factors].Slice(i * spec.Factors, spec.Factors).ToArray());
                total += MfLoss(data.TrainRatings[t], theta, spec.Factors, items[ItemModel.GlobalMean][0]);
            }

            return total;
        }

        AssertNegativeGradient(update, global, Loss, spec.Factors);
    }

    [Fact]
    public void BprGradientUpdate_IsTheNegativeGradientOfThePartysLossOverItsSampledTriples()
    {
        var (data, spec) = SmallData(RecommenderKind.Bpr);
        var global = spec.Initialize(12);
        var users = UserState.Initialize(data, spec, 12);
        var local = new LocalRecommender(data, spec, users, new ItemUpdateLayouts(spec.Factors));
        var plan = new RecommendationPlan { Update = ItemUpdate.Gradient, UserEpochs = 0, Regularization = Lambda };

        var (update, _) = local.Train(global, plan, new Random(2));

        // The gradient round draws one pass of triples first; the same seed draws the same triples here.
        var triples = BprTriples.Sample(data, new Random(2));
        Assert.True(triples.Count > 0);
        double Loss(ParameterSet items)
        {
            double total = 0;
            var k = spec.Factors;
            for (var t = 0; t < triples.Count; t++)
            {
                int i = triples.Positives[t], j = triples.Negatives[t];
                var theta = Pack(
                    items[ItemModel.Bias][i], items[ItemModel.Bias][j], users.FactorsOf(triples.Users[t]).ToArray(),
                    items[ItemModel.Factors].Slice(i * k, k).ToArray(), items[ItemModel.Factors].Slice(j * k, k).ToArray());
                total += BprLoss(theta, k);
            }

            return total;
        }

        AssertNegativeGradient(update, global, Loss, spec.Factors);
    }

    // Every row of the sparse update against −∂L/∂row by central differences; and no row outside the update moves L.
    private static void AssertNegativeGradient(ParameterSet update, ParameterSet global, Func<ParameterSet, double> loss, int k)
    {
        var rows = update[ItemModel.Rows];
        for (var j = 0; j < rows.Length; j++)
        {
            var i = (int)rows[j];
            for (var f = 0; f <= k; f++)
            {
                var index = f < k ? global.Layout.RangeOf(ItemModel.Factors).Start.Value + (i * k) + f : global.Layout.RangeOf(ItemModel.Bias).Start.Value + i;
                var expected = -Derivative(global, index, loss);
                var actual = f < k ? update[ItemModel.Factors][(j * k) + f] : update[ItemModel.Bias][j];
                Assert.Equal(expected, actual, 2e-3);
            }
        }

        var held = rows.ToArray();
        foreach (var untouched in Enumerable.Range(0, global[ItemModel.Bias].Length).Where(i => Array.IndexOf(held, (float)i) < 0))
        {
            Assert.Equal(0, Derivative(global, global.Layout.RangeOf(ItemModel.Bias).Start.Value + untouched, loss), 1e-9);
        }
    }

    private static double Derivative(ParameterSet global, int index, Func<ParameterSet, double> loss)
    {
        var plus = global.Clone();
        var minus = global.Clone();
        plus.Values[index] += (float)H;
        minus.Values[index] -= (float)H;
        return (loss(plus) - loss(minus)) / (plus.Values[index] - minus.Values[index]);
    }

    private static (PartyRatings Data, RecommenderSpec Spec) SmallData(RecommenderKind kind)
    {
        var ratings = SyntheticRatings.Generate(users: 6, items: 12, ratingsPerUser: 4, seed: 8);
        var data = PartyRatings.All(new RatingsSplit(ratings, ratings.Select([])));
        var spec = new RecommenderSpec { Kind = kind, Items = 12, Factors = 4, GlobalMean = kind == RecommenderKind.Bpr ? 0 : Mu, InitStandardDeviation = 0.5f };
        return (data, spec);
    }

    // θ = (b_u, b_i, p, q).
    private static double MfLoss(float rating, double[] theta, int k, double mu = Mu)
    {
        var dot = 0.0;
        for (var f = 0; f < k; f++)
        {
            dot += theta[2 + f] * theta[2 + k + f];
        }

        var error = rating - (mu + theta[0] + theta[1] + dot);
        return (0.5 * error * error) + (Lambda / 2 * Norms(theta));
    }

    // θ = (b_i, b_j, p, q_i, q_j).
    private static double BprLoss(double[] theta, int k)
    {
        var margin = theta[0] - theta[1];
        for (var f = 0; f < k; f++)
        {
            margin += theta[2 + f] * (theta[2 + k + f] - theta[2 + (2 * k) + f]);
        }

        return Math.Log(1 + Math.Exp(-margin)) + (Lambda / 2 * Norms(theta));
    }

    private static double Norms(double[] theta) => theta.Sum(x => x * x);

    private static double[] FiniteDifference(double[] theta, Func<double[], double> loss)
    {
        var gradient = new double[theta.Length];
        for (var j = 0; j < theta.Length; j++)
        {
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[j] += H;
            minus[j] -= H;
            gradient[j] = (loss(plus) - loss(minus)) / (2 * H);
        }

        return gradient;
    }

    private static double[] Pack(float a, float b, params float[][] vectors) =>
        [a, b, .. vectors.SelectMany(v => v.Select(x => (double)x))];

    private static float[] RandomVector(Random random, int length) =>
        [.. Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1))];
}
