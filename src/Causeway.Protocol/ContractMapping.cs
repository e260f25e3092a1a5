using Causeway.Core.Metrics;
using Causeway.Core.Serialization;
using Causeway.Core.Training;
using Causeway.Protocol.V1;
using CoreTrainingPlan = Causeway.Core.Training.TrainingPlan;
using DataDescription = Causeway.Federation.Horizontal.DataDescription;
using RatingsDescription = Causeway.Federation.Recommendation.Network.RatingsDescription;
using RecommendationSetup = Causeway.Federation.Recommendation.Network.RecommendationSetup;
using RunSetup = Causeway.Federation.Horizontal.RunSetup;
using UpdatePrivacy = Causeway.Federation.Horizontal.DifferentialPrivacy.UpdatePrivacy;
using WireTrainingPlan = Causeway.Protocol.V1.TrainingPlan;

namespace Causeway.Protocol;

/// <summary>Maps the small contract types (training plan, evaluation, data description, run setup) to and from their wire messages.</summary>
public static class ContractMapping
{
    public static V1.DataDescription ToProto(DataDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        return new V1.DataDescription
        {
            SchemaJson = description.SchemaJson,
            StatisticsJson = FeatureStatisticsJson.Serialize(description.Statistics),
            Ratings = description.Ratings is { } r
                ? new V1.RatingsDescription
                {
                    Items = r.Items, Catalogue = r.Catalogue, Users = r.Users, Ratings = r.Ratings, RatingSum = r.RatingSum, MinRating = r.MinRating, MaxRating = r.MaxRating,
                }
                : null,
        };
    }

    /// <exception cref="MalformedMessageException">The statistics are not valid JSON statistics.</exception>
    public static DataDescription FromProto(V1.DataDescription message, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            var description = new DataDescription(message.SchemaJson, FeatureStatisticsJson.Deserialize(message.StatisticsJson, sourceName));
            if (message.Ratings is not { } r)
            {
                return description;
            }

            var ratings = new RatingsDescription(r.Items, r.Catalogue, r.Users, r.Ratings, r.RatingSum, r.MinRating, r.MaxRating);
            return ratings.DescribeProblem() is { } problem
                ? throw new MalformedMessageException($"{sourceName}: {problem}.")
                : description with { Ratings = ratings };
        }
        catch (InvalidDataException e)
        {
            throw new MalformedMessageException(e.Message, e);
        }
    }

    public static V1.RunSetup ToProto(RunSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        return new V1.RunSetup
        {
            ModelJson = ModelSpecJson.Serialize(setup.Model),
            SchemaJson = setup.SchemaJson,
            StatisticsJson = FeatureStatisticsJson.Serialize(setup.Statistics),
        };
    }

    public static V1.RunSetup ToProto(RecommendationSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        return new V1.RunSetup { RecommendationJson = setup.ToJson() };
    }

    /// <summary>The recommendation setup a task's setup holds, or null for a horizontal run's.</summary>
    /// <exception cref="MalformedMessageException">The recommendation setup does not parse.</exception>
    public static RecommendationSetup? RecommendationFromProto(V1.RunSetup message)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            return message.RecommendationJson.Length == 0 ? null : RecommendationSetup.Parse(message.RecommendationJson, "the task's run setup");
        }
        catch (InvalidDataException e)
        {
            throw new MalformedMessageException($"Invalid run setup: {e.Message}", e);
        }
    }

    /// <exception cref="MalformedMessageException">The model or statistics do not parse.</exception>
    public static RunSetup FromProto(V1.RunSetup message)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            return new RunSetup(
                ModelSpecJson.Deserialize(message.ModelJson),
                message.SchemaJson,
                FeatureStatisticsJson.Deserialize(message.StatisticsJson, "the task's run setup"));
        }
        catch (InvalidDataException e)
        {
            throw new MalformedMessageException($"Invalid run setup: {e.Message}", e);
        }
    }

    public static WireTrainingPlan ToProto(CoreTrainingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new WireTrainingPlan
        {
            Epochs = plan.Epochs,
            BatchSize = plan.BatchSize,
            LearningRate = plan.LearningRate,
            Optimizer = plan.Optimizer == OptimizerKind.Adam ? Optimizer.Adam : Optimizer.Sgd,
            Momentum = plan.Momentum,
            WeightDecay = plan.WeightDecay,
            ProximalMu = plan.ProximalMu,
            DpClipNorm = plan.DpSgd?.ClipNorm ?? 0,
            DpNoiseMultiplier = plan.DpSgd?.NoiseMultiplier ?? 0,
            FrozenLayers = plan.FrozenLayers,
            PersonalLayers = plan.PersonalLayers,
        };
    }

    /// <exception cref="MalformedMessageException">A field is out of range (the plan fails validation).</exception>
    public static CoreTrainingPlan FromProto(WireTrainingPlan message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.DpClipNorm == 0 && message.DpNoiseMultiplier != 0)
        {
            throw new MalformedMessageException(
                $"Invalid training plan: dp_noise_multiplier is {message.DpNoiseMultiplier} but dp_clip_norm is 0 (DP-SGD off).");
        }

        var plan = new CoreTrainingPlan
        {
            Epochs = message.Epochs,
            BatchSize = message.BatchSize,
            LearningRate = message.LearningRate,
            Optimizer = message.Optimizer switch
            {
                Optimizer.Sgd => OptimizerKind.Sgd,
                Optimizer.Adam => OptimizerKind.Adam,
                _ => throw new MalformedMessageException($"Unknown optimizer {(int)message.Optimizer}."),
            },
            Momentum = message.Momentum,
            WeightDecay = message.WeightDecay,
            ProximalMu = message.ProximalMu,
            DpSgd = message.DpClipNorm == 0 ? null : new DpSgd { ClipNorm = message.DpClipNorm, NoiseMultiplier = message.DpNoiseMultiplier },
            FrozenLayers = message.FrozenLayers,
            PersonalLayers = message.PersonalLayers,
        };
        try
        {
            plan.Validate();
        }
        catch (ArgumentException e)
        {
            throw new MalformedMessageException($"Invalid training plan: {e.Message}", e);
        }

        return plan;
    }

    public static V1.UpdatePrivacy ToProto(UpdatePrivacy privacy)
    {
        ArgumentNullException.ThrowIfNull(privacy);
        return new V1.UpdatePrivacy { ClipNorm = privacy.ClipNorm, NoiseStddev = privacy.NoiseStandardDeviation };
    }

    /// <exception cref="MalformedMessageException">The clip norm is not positive or the noise is negative or not finite.</exception>
    public static UpdatePrivacy FromProto(V1.UpdatePrivacy message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var privacy = new UpdatePrivacy(message.ClipNorm, message.NoiseStddev);
        return privacy.Problem is { } problem ? throw new MalformedMessageException($"Invalid UpdatePrivacy: {problem}.") : privacy;
    }

    public static EvaluationResult ToProto(Evaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var message = new EvaluationResult { Examples = evaluation.Examples, Loss = evaluation.Loss };
        if (evaluation.Accuracy is { } accuracy)
        {
            message.Accuracy = accuracy;
        }

        if (evaluation.RocAuc is { } auc)
        {
            message.RocAuc = auc;
        }

        if (evaluation.F1 is { } f1)
        {
            message.F1 = f1;
        }

        if (evaluation.Rmse is { } rmse)
        {
            message.Rmse = rmse;
        }

        if (evaluation.Mae is { } mae)
        {
            message.Mae = mae;
        }

        if (evaluation.Scores is { } scores)
        {
            message.PositiveHistogram.AddRange(scores.Positives);
            message.NegativeHistogram.AddRange(scores.Negatives);
        }

        return message;
    }

    // Every count within [0, examples] and all of them adding up to the examples (no sum can overflow on the way).
    private static bool CountsAddUp(IEnumerable<long> positives, IEnumerable<long> negatives, long examples)
    {
        long total = 0;
        foreach (var count in positives.Concat(negatives))
        {
            if (count < 0 || count > examples - total)
            {
                return false;
            }

            total += count;
        }

        return total == examples;
    }

    /// <summary>Returns null for "no evaluation data" (zero examples).</summary>
    /// <exception cref="MalformedMessageException">The example count is negative or too large, or a metric is not finite.</exception>
    public static Evaluation? FromProto(EvaluationResult message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Examples == 0)
        {
            return null;
        }

        if (message.Examples is < 0 or > int.MaxValue)
        {
            throw new MalformedMessageException($"Evaluation examples out of range: {message.Examples}.");
        }

        if (!double.IsFinite(message.Loss))
        {
            throw new MalformedMessageException("Evaluation loss is not finite.");
        }

        ScoreHistogram? scores = null;
        if (message.PositiveHistogram.Count > 0 || message.NegativeHistogram.Count > 0)
        {
            var bins = message.PositiveHistogram.Count;
            if (bins is < 2 or > 100_000 || message.NegativeHistogram.Count != bins || !CountsAddUp(message.PositiveHistogram, message.NegativeHistogram, message.Examples))
            {
                throw new MalformedMessageException("Evaluation score histograms must have the same 2 to 100,000 bins of non-negative counts adding up to the examples.");
            }

            scores = new ScoreHistogram([.. message.PositiveHistogram], [.. message.NegativeHistogram]);
        }

        return new Evaluation(
            (int)message.Examples,
            message.Loss,
            message.HasAccuracy ? Finite(message.Accuracy, "accuracy") : null,
            message.HasRocAuc ? Finite(message.RocAuc, "roc_auc") : null,
            message.HasF1 ? Finite(message.F1, "f1") : null,
            message.HasRmse ? Finite(message.Rmse, "rmse") : null,
            message.HasMae ? Finite(message.Mae, "mae") : null,
            scores);
    }

    private static double Finite(double value, string name) =>
        double.IsFinite(value) ? value : throw new MalformedMessageException($"Evaluation {name} is not finite.");
}
