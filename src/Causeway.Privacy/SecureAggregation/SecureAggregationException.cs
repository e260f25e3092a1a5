namespace Causeway.Privacy.SecureAggregation;

/// <summary>
/// A peer broke the protocol: a share failed authentication, a message came out of order or from an unknown party,
/// a public key is not a valid P-256 point, or a reconstructed key does not match its advertised public key.
/// Expected outcomes (dropouts, too few survivors) are reported in <see cref="SecureAggregationResult"/> instead.
/// </summary>
public sealed class SecureAggregationException : Exception
{
    public SecureAggregationException()
    {
    }

    public SecureAggregationException(string message)
        : base(message)
    {
    }

    public SecureAggregationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
