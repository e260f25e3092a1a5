namespace Causeway.Federation.Recommendation.Metrics;

/// <summary>
/// The error sums of rating predictions, which add across parties: RMSE = √(Σ(r̂ − r)² / n), MAE = Σ|r̂ − r| / n.
/// Sums are in double.
/// </summary>
/// <param name="Count">The number of predictions n.</param>
/// <param name="SquaredSum">Σ(r̂ − r)².</param>
/// <param name="AbsoluteSum">Σ|r̂ − r|.</param>
public readonly record struct RatingErrors(long Count, double SquaredSum, double AbsoluteSum)
{
    /// <summary>Root mean squared error; NaN for no predictions.</summary>
    public double Rmse => Count == 0 ? double.NaN : Math.Sqrt(SquaredSum / Count);

    /// <summary>Mean absolute error; NaN for no predictions.</summary>
    public double Mae => Count == 0 ? double.NaN : AbsoluteSum / Count;

    /// <summary>The sums of two disjoint sets of predictions (two parties').</summary>
    public RatingErrors Combine(RatingErrors other) => new(Count + other.Count, SquaredSum + other.SquaredSum, AbsoluteSum + other.AbsoluteSum);

    /// <summary>The sums of <paramref name="predictions"/> against <paramref name="ratings"/>, in index order.</summary>
    public static RatingErrors Of(ReadOnlySpan<float> predictions, ReadOnlySpan<float> ratings)
    {
        if (predictions.Length != ratings.Length)
        {
            throw new ArgumentException($"{predictions.Length} predictions for {ratings.Length} ratings.");
        }

        double squared = 0, absolute = 0;
        for (var i = 0; i < predictions.Length; i++)
        {
            var error = (double)predictions[i] - ratings[i];
            squared += error * error;
            absolute += Math.Abs(error);
        }

        return new RatingErrors(predictions.Length, squared, absolute);
    }
}
