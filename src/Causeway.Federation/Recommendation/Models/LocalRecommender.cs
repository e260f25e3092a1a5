using System.Buffers;
using System.Diagnostics;
using System.Numerics.Tensors;
using Causeway.Core.Tensors;
using Causeway.Federation.Recommendation.Data;
using Causeway.Federation.Recommendation.Metrics;

namespace Causeway.Federation.Recommendation.Models;

/// <summary>
/// A recommender over one block of users: a party's users in federated training, every user in the centralised
/// reference. It owns the users' vectors (<see cref="UserState"/>) and reads the item model it is given; the item rows
/// it trains live in a buffer of the rows it touches, never in the whole catalogue.
/// </summary>
/// <remarks>
/// <para>
/// Delta round (<see cref="ItemUpdate.Delta"/>): the touched rows of the global model are gathered into a sparse
/// buffer, the user passes run with the items fixed, the joint passes train users and buffered rows together, and the
/// update is the buffer minus the global rows. The centralised reference runs the same code on the whole user base and
/// writes the trained rows back instead of subtracting, so one party holding every user with the same plan computes
/// exactly the centralised model (up to the rounding of global + (local − global)).
/// </para>
/// <para>
/// Gradient round (<see cref="ItemUpdate.Gradient"/>): the user passes run against the global items, then the negative
/// item gradient of the local loss is summed per touched row at the global items.
/// </para>
/// <para>Not thread-safe: one round or evaluation at a time, which the round engine guarantees for a party.</para>
/// </remarks>
internal sealed class LocalRecommender
{
    /// <summary>Seed purpose of a user's evaluation negatives.</summary>
    private const ulong EvaluationPurpose = 0xE7A1_0A7EUL;

    private readonly RecommenderSpec _spec;
    private readonly ItemUpdateLayouts _layouts;
    private int[]? _order;

    public LocalRecommender(PartyRatings data, RecommenderSpec spec, UserState users, ItemUpdateLayouts layouts)
    {
        Debug.Assert(users.FactorCount == spec.Factors && layouts.Factors == spec.Factors, "One rank throughout.");
        Data = data;
        _spec = spec;
        Users = users;
        _layouts = layouts;
    }

    public PartyRatings Data { get; }

    public UserState Users { get; }

    /// <summary>
    /// One federated round: the item update the plan asks for (delta or negative gradient, sparse or dense) and the
    /// mean training loss of the last pass.
    /// </summary>
    public (ParameterSet Update, double Loss) Train(ParameterSet global, RecommendationPlan plan, Random random)
    {
        Debug.Assert(Data.TrainCount > 0, "A party without training ratings does not train.");
        var (update, loss) = plan.Update == ItemUpdate.Gradient ? Gradient(global, plan, random) : Delta(global, plan, random);
        return plan.Form switch
        {
            ItemUpdateForm.Dense => (Densify(update, global.Layout), loss),
            ItemUpdateForm.Counted => (Densify(update, _layouts.Counted(_spec.Items)), loss),
            _ => (update, loss),
        };
    }

    /// <summary>Trains <paramref name="model"/> in place (the centralised reference); returns the last pass's mean loss.</summary>
    public double TrainInPlace(ParameterSet model, RecommendationPlan plan, Random random)
    {
        if (plan.Update != ItemUpdate.Delta)
        {
            throw new ArgumentException("Centralised training runs SGD on users and items together (a delta plan).", nameof(plan));
        }

        var (trained, loss) = TrainRows(model, plan, random);
        WriteBack(trained, model);
        return loss;
    }

    /// <summary>The rating errors of the held-out ratings (of <paramref name="subset"/>, default all), predictions clipped to the spec's rating scale.</summary>
    public RatingErrors EvaluateRatings(ParameterSet global, RatingSubset? subset = null)
    {
        var items = subset?.Items;
        var maxUserTrain = subset?.MaxUserTrainRatings ?? int.MaxValue;
        var count = 0;
        var k = _spec.Factors;
        var factors = global[ItemModel.Factors];
        var bias = global[ItemModel.Bias];
        var mu = global[ItemModel.GlobalMean][0];
        double squared = 0, absolute = 0;
        for (var t = 0; t < Data.TestCount; t++)
        {
            var u = Data.TestUsers[t];
            var i = Data.TestItems[t];
            if ((items is not null && !items[i]) || Data.TrainStart[u + 1] - Data.TrainStart[u] > maxUserTrain)
            {
                continue;
            }

            count++;
            var prediction = mu + Users.Bias[u] + bias[i] + TensorPrimitives.Dot<float>(Users.FactorsOf(u), factors.Slice(i * k, k));
            var error = (double)Math.Clamp(prediction, _spec.MinRating, _spec.MaxRating) - Data.TestRatings[t];
            squared += error * error;
            absolute += Math.Abs(error);
        }

        return new RatingErrors(count, squared, absolute);
    }

    /// <summary>
    /// Top-<paramref name="k"/> metrics of the held-out items, scored by <c>b_i + p_u·q_i</c> (the user's constant terms
    /// do not change an order). Sampled negatives come from a stream seeded by <paramref name="seed"/> and the user's
    /// id, so the centralised and federated models of one run are scored against the same items.
    /// </summary>
    public RankingTotals EvaluateRanking(ParameterSet global, RankingProtocol protocol, int k, int negatives, ulong seed)
    {
        var totals = default(RankingTotals);
        var candidates = ArrayPool<int>.Shared.Rent(protocol == RankingProtocol.FullCatalogue ? Data.ItemCount : negatives + 1);
        var scores = ArrayPool<float>.Shared.Rent(candidates.Length);
        try
        {
            for (var u = 0; u < Data.UserCount; u++)
            {
                var test = Data.TestItems.AsSpan(Data.TestStart[u], Data.TestStart[u + 1] - Data.TestStart[u]);
                if (test.IsEmpty)
                {
                    continue;
                }

                var rated = Data.SortedTrainItems.AsSpan(Data.TrainStart[u], Data.TrainStart[u + 1] - Data.TrainStart[u]);
                if (protocol == RankingProtocol.FullCatalogue)
                {
                    totals = totals.Add(RankAll(global, u, rated, test, candidates, scores, k));
                    continue;
                }

                var random = new Random(Seeds.ToInt32(Seeds.ForUser(seed, Data.UserIds[u], EvaluationPurpose)));
                foreach (var item in test)
                {
                    var count = SampleCandidates(item, rated, test, negatives, random, candidates);
                    Score(global, u, candidates.AsSpan(0, count), scores.AsSpan(0, count));
                    totals = totals.Add(TopK.Evaluate(candidates.AsSpan(0, count), scores.AsSpan(0, count), [item], k));
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(candidates);
            ArrayPool<float>.Shared.Return(scores);
        }

        return totals;
    }

    private ListMetrics RankAll(ParameterSet global, int user, ReadOnlySpan<int> rated, ReadOnlySpan<int> test, int[] candidates, float[] scores, int k)
    {
        var count = 0;
        for (int i = 0, r = 0; i < Data.ItemCount; i++)
        {
            while (r < rated.Length && rated[r] < i)
            {
                r++;
            }

            if (r < rated.Length && rated[r] == i)
            {
                continue;
            }

            candidates[count++] = i;
        }

        Score(global, user, candidates.AsSpan(0, count), scores.AsSpan(0, count));
        Span<int> relevant = test.Length <= 256 ? stackalloc int[test.Length] : new int[test.Length];
        test.CopyTo(relevant);
        relevant.Sort();
        return TopK.Evaluate(candidates.AsSpan(0, count), scores.AsSpan(0, count), relevant, k);
    }

    // The held-out item first, then up to `negatives` distinct items the user rated neither in training nor in test.
    private int SampleCandidates(int item, ReadOnlySpan<int> rated, ReadOnlySpan<int> test, int negatives, Random random, int[] candidates)
    {
        candidates[0] = item;
        var unseen = Data.ItemCount - rated.Length - test.Length;
        var wanted = Math.Min(negatives, Math.Max(0, unseen));
        var count = 1;
        while (count <= wanted)
        {
            var j = random.Next(Data.ItemCount);
            if (rated.BinarySearch(j) >= 0 || test.Contains(j) || candidates.AsSpan(1, count - 1).Contains(j))
            {
                continue;
            }

            candidates[count++] = j;
        }

        return count;
    }

    private void Score(ParameterSet global, int user, ReadOnlySpan<int> items, Span<float> scores)
    {
        var k = _spec.Factors;
        var factors = global[ItemModel.Factors];
        var bias = global[ItemModel.Bias];
        var p = Users.FactorsOf(user);
        for (var c = 0; c < items.Length; c++)
        {
            var i = items[c];
            scores[c] = bias[i] + TensorPrimitives.Dot<float>(p, factors.Slice(i * k, k));
        }
    }

    private (ParameterSet Update, double Loss) Delta(ParameterSet global, RecommendationPlan plan, Random random)
    {
        var (trained, loss) = TrainRows(global, plan, random);
        SubtractGlobal(trained, global);
        return (trained, loss);
    }

    /// <summary>User passes, then joint passes on a gathered copy of the touched rows; returns that copy, trained.</summary>
    private (ParameterSet Rows, double Loss) TrainRows(ParameterSet global, RecommendationPlan plan, Random random)
    {
        double loss;
        if (_spec.Kind == RecommenderKind.MatrixFactorization)
        {
            var order = Order();
            loss = 0;
            for (var pass = 0; pass < plan.UserEpochs; pass++)
            {
                loss = MfUserPass(global, order, plan, random);
            }

            var buffer = Gather(global, Data.Rows);
            for (var pass = 0; pass < plan.Epochs; pass++)
            {
                loss = MfJointPass(buffer, global[ItemModel.GlobalMean][0], order, plan, random);
            }

            return (buffer, loss);
        }

        var passes = SamplePasses(plan.UserEpochs + plan.Epochs, random);
        loss = 0;
        for (var pass = 0; pass < plan.UserEpochs; pass++)
        {
            loss = BprUserPass(global, passes[pass], plan);
        }

        var joint = passes.AsSpan(plan.UserEpochs);
        var rows = DistinctItems(joint);
        var trained = Gather(global, rows);
        foreach (var triples in joint)
        {
            loss = BprJointPass(trained, rows, triples, plan);
        }

        return (trained, loss);
    }

    private (ParameterSet Update, double Loss) Gradient(ParameterSet global, RecommendationPlan plan, Random random)
    {
        var k = _spec.Factors;
        var factors = global[ItemModel.Factors];
        var bias = global[ItemModel.Bias];
        if (_spec.Kind == RecommenderKind.MatrixFactorization)
        {
            var order = Order();
            for (var pass = 0; pass < plan.UserEpochs; pass++)
            {
                MfUserPass(global, order, plan, random);
            }

            var mu = global[ItemModel.GlobalMean][0];
            var update = Empty(Data.Rows);
            var sumFactors = update[ItemModel.Factors];
            var sumBias = update[ItemModel.Bias];
            double loss = 0;
            for (var t = 0; t < Data.TrainCount; t++)
            {
                var u = Data.TrainUsers[t];
                var i = Data.TrainItems[t];
                var row = Data.TrainRows[t];
                var q = factors.Slice(i * k, k);
                var p = Users.FactorsOf(u);
                var error = MatrixFactorizationKernel.Error(Data.TrainRatings[t], mu, Users.Bias[u], bias[i], p, q);
                loss += 0.5 * error * error;
                MatrixFactorizationKernel.AccumulateItemGradient(error, p, q, bias[i], plan.Regularization, sumFactors.Slice(row * k, k), ref sumBias[row]);
            }

            return (update, loss / Data.TrainCount);
        }

        var passes = SamplePasses(plan.UserEpochs + 1, random);
        for (var pass = 0; pass < plan.UserEpochs; pass++)
        {
            BprUserPass(global, passes[pass], plan);
        }

        var triples = passes[^1];
        var rows = DistinctItems([triples]);
        var gradient = Empty(rows);
        var gradientFactors = gradient[ItemModel.Factors];
        var gradientBias = gradient[ItemModel.Bias];
        double bprLoss = 0;
        for (var t = 0; t < triples.Count; t++)
        {
            var p = Users.FactorsOf(triples.Users[t]);
            int i = triples.Positives[t], j = triples.Negatives[t];
            int ri = Array.BinarySearch(rows, i), rj = Array.BinarySearch(rows, j);
            var qi = factors.Slice(i * k, k);
            var qj = factors.Slice(j * k, k);
            var margin = BprKernel.Margin(p, qi, bias[i], qj, bias[j]);
            bprLoss += BprKernel.Loss(margin);
            BprKernel.AccumulateItemGradient(
                BprKernel.Weight(margin), p, qi, bias[i], qj, bias[j], plan.Regularization,
                gradientFactors.Slice(ri * k, k), ref gradientBias[ri], gradientFactors.Slice(rj * k, k), ref gradientBias[rj]);
        }

        return (gradient, triples.Count == 0 ? double.NaN : bprLoss / triples.Count);
    }

    // One pass of Surprise's SGD over the local ratings in a fresh order, items fixed at the global model.
    private double MfUserPass(ParameterSet global, int[] order, RecommendationPlan plan, Random random)
    {
        var k = _spec.Factors;
        var factors = global[ItemModel.Factors];
        var bias = global[ItemModel.Bias];
        var mu = global[ItemModel.GlobalMean][0];
        Shuffle(order, random);
        double loss = 0;
        foreach (var t in order)
        {
            var u = Data.TrainUsers[t];
            var i = Data.TrainItems[t];
            var p = Users.FactorsOf(u);
            var q = factors.Slice(i * k, k);
            var error = MatrixFactorizationKernel.Error(Data.TrainRatings[t], mu, Users.Bias[u], bias[i], p, q);
            loss += 0.5 * error * error;
            MatrixFactorizationKernel.UserStep(error, ref Users.Bias[u], p, q, plan.LearningRate, plan.Regularization);
        }

        return loss / order.Length;
    }

    // One pass of Surprise's SGD over the local ratings in a fresh order, users and buffered item rows together.
    private double MfJointPass(ParameterSet buffer, float mu, int[] order, RecommendationPlan plan, Random random)
    {
        var k = _spec.Factors;
        var factors = buffer[ItemModel.Factors];
        var bias = buffer[ItemModel.Bias];
        Shuffle(order, random);
        double loss = 0;
        foreach (var t in order)
        {
            var u = Data.TrainUsers[t];
            var row = Data.TrainRows[t];
            var p = Users.FactorsOf(u);
            var q = factors.Slice(row * k, k);
            var error = MatrixFactorizationKernel.Error(Data.TrainRatings[t], mu, Users.Bias[u], bias[row], p, q);
            loss += 0.5 * error * error;
            MatrixFactorizationKernel.Step(error, ref Users.Bias[u], ref bias[row], p, q, plan.LearningRate, plan.Regularization);
        }

        return loss / order.Length;
    }

    private double BprUserPass(ParameterSet global, BprTriples triples, RecommendationPlan plan)
    {
        var k = _spec.Factors;
        var factors = global[ItemModel.Factors];
        var bias = global[ItemModel.Bias];
        double loss = 0;
        for (var t = 0; t < triples.Count; t++)
        {
            var p = Users.FactorsOf(triples.Users[t]);
            int i = triples.Positives[t], j = triples.Negatives[t];
            var qi = factors.Slice(i * k, k);
            var qj = factors.Slice(j * k, k);
            var margin = BprKernel.Margin(p, qi, bias[i], qj, bias[j]);
            loss += BprKernel.Loss(margin);
            BprKernel.UserStep(BprKernel.Weight(margin), p, qi, qj, plan.LearningRate, plan.Regularization);
        }

        return triples.Count == 0 ? double.NaN : loss / triples.Count;
    }

    private double BprJointPass(ParameterSet buffer, int[] rows, BprTriples triples, RecommendationPlan plan)
    {
        var k = _spec.Factors;
        var factors = buffer[ItemModel.Factors];
        var bias = buffer[ItemModel.Bias];
        double loss = 0;
        for (var t = 0; t < triples.Count; t++)
        {
            var p = Users.FactorsOf(triples.Users[t]);
            int ri = Array.BinarySearch(rows, triples.Positives[t]), rj = Array.BinarySearch(rows, triples.Negatives[t]);
            var margin = BprKernel.Margin(p, factors.Slice(ri * k, k), bias[ri], factors.Slice(rj * k, k), bias[rj]);
            loss += BprKernel.Loss(margin);
            BprKernel.Step(BprKernel.Weight(margin), p, factors.Slice(ri * k, k), ref bias[ri], factors.Slice(rj * k, k), ref bias[rj], plan.LearningRate, plan.Regularization);
        }

        return triples.Count == 0 ? double.NaN : loss / triples.Count;
    }

    private BprTriples[] SamplePasses(int count, Random random)
    {
        var passes = new BprTriples[count];
        for (var pass = 0; pass < count; pass++)
        {
            passes[pass] = BprTriples.Sample(Data, random);
        }

        return passes;
    }

    private static int[] DistinctItems(ReadOnlySpan<BprTriples> passes)
    {
        var total = 0;
        foreach (var pass in passes)
        {
            total += 2 * pass.Count;
        }

        var items = new int[total];
        var at = 0;
        foreach (var pass in passes)
        {
            pass.Positives.AsSpan(0, pass.Count).CopyTo(items.AsSpan(at));
            pass.Negatives.AsSpan(0, pass.Count).CopyTo(items.AsSpan(at + pass.Count));
            at += 2 * pass.Count;
        }

        Array.Sort(items);
        var distinct = items.Length == 0 ? 0 : 1;
        for (var j = 1; j < items.Length; j++)
        {
            if (items[j] != items[distinct - 1])
            {
                items[distinct++] = items[j];
            }
        }

        return items[..distinct];
    }

    private int[] Order() => _order ??= new int[Data.TrainCount];

    // Every pass starts from the identity, so a pass's order depends on the random state alone: a party that restarts
    // between rounds visits its ratings in the order an uninterrupted one would.
    private static void Shuffle(int[] order, Random random)
    {
        for (var t = 0; t < order.Length; t++)
        {
            order[t] = t;
        }

        random.Shuffle(order);
    }

    /// <summary>A zero sparse update over <paramref name="rows"/> (their indices filled in).</summary>
    private ParameterSet Empty(int[] rows)
    {
        var update = new ParameterSet(_layouts.Sparse(rows.Length));
        var indices = update[ItemModel.Rows];
        for (var j = 0; j < rows.Length; j++)
        {
            indices[j] = rows[j];
        }

        return update;
    }

    /// <summary>A sparse buffer holding the global values of <paramref name="rows"/>.</summary>
    private ParameterSet Gather(ParameterSet global, int[] rows)
    {
        var k = _spec.Factors;
        var buffer = Empty(rows);
        var from = global[ItemModel.Factors];
        var fromBias = global[ItemModel.Bias];
        var to = buffer[ItemModel.Factors];
        var toBias = buffer[ItemModel.Bias];
        for (var j = 0; j < rows.Length; j++)
        {
            from.Slice(rows[j] * k, k).CopyTo(to.Slice(j * k, k));
            toBias[j] = fromBias[rows[j]];
        }

        return buffer;
    }

    /// <summary>Effectively computes <c>sparse[j] −= global[row_j]</c> for every buffered row: trained rows become a delta.</summary>
    private void SubtractGlobal(ParameterSet sparse, ParameterSet global)
    {
        var k = _spec.Factors;
        var rows = sparse[ItemModel.Rows];
        var sparseFactors = sparse[ItemModel.Factors];
        var sparseBias = sparse[ItemModel.Bias];
        var globalFactors = global[ItemModel.Factors];
        var globalBias = global[ItemModel.Bias];
        for (var j = 0; j < rows.Length; j++)
        {
            var i = (int)rows[j];
            var local = sparseFactors.Slice(j * k, k);
            TensorPrimitives.Subtract(local, globalFactors.Slice(i * k, k), local);
            sparseBias[j] -= globalBias[i];
        }
    }

    /// <summary>Effectively computes <c>model[row_j] = sparse[j]</c> for every buffered row.</summary>
    private void WriteBack(ParameterSet sparse, ParameterSet model)
    {
        var k = _spec.Factors;
        var rows = sparse[ItemModel.Rows];
        var sparseFactors = sparse[ItemModel.Factors];
        var sparseBias = sparse[ItemModel.Bias];
        var modelFactors = model[ItemModel.Factors];
        var modelBias = model[ItemModel.Bias];
        for (var j = 0; j < rows.Length; j++)
        {
            var i = (int)rows[j];
            sparseFactors.Slice(j * k, k).CopyTo(modelFactors.Slice(i * k, k));
            modelBias[i] = sparseBias[j];
        }
    }

    /// <summary>
    /// The sparse update spread over the whole catalogue: zero outside its rows, <c>global_mean</c> 0, and with a counted
    /// layout <c>item_counts</c> 1 on its rows.
    /// </summary>
    private ParameterSet Densify(ParameterSet sparse, ParameterLayout layout)
    {
        var k = _spec.Factors;
        var dense = new ParameterSet(layout);
        var rows = sparse[ItemModel.Rows];
        var sparseFactors = sparse[ItemModel.Factors];
        var sparseBias = sparse[ItemModel.Bias];
        var factors = dense[ItemModel.Factors];
        var bias = dense[ItemModel.Bias];
        for (var j = 0; j < rows.Length; j++)
        {
            var i = (int)rows[j];
            sparseFactors.Slice(j * k, k).CopyTo(factors.Slice(i * k, k));
            bias[i] = sparseBias[j];
        }

        if (layout.Tensors.Count == 4)
        {
            var counts = dense[ItemModel.Counts];
            for (var j = 0; j < rows.Length; j++)
            {
                counts[(int)rows[j]] = 1;
            }
        }

        return dense;
    }
}
