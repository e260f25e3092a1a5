namespace Causeway.Privacy.SecureAggregation;

/// <summary>The outcome of a session: the ring sum of the included inputs, or why it could not be recovered.</summary>
/// <param name="Sum">Σ x_u mod 2^32 over <paramref name="Included"/>; null on failure.</param>
/// <param name="Included">The parties whose inputs are in the sum (U3, ordered by index); empty on failure.</param>
/// <param name="Error">Why the sum could not be recovered; null on success.</param>
public sealed record SecureAggregationResult(uint[]? Sum, IReadOnlyList<int> Included, string? Error)
{
    public bool Succeeded => Sum is not null;

    public static SecureAggregationResult Success(uint[] sum, IReadOnlyList<int> included) => new(sum, included, null);

    public static SecureAggregationResult Failure(string error) => new(null, [], error);
}
