namespace Causeway.Privacy.SecureAggregation;

/// <summary>
/// The public parameters every party and the server of one secure-aggregation session agree on before round 0
/// (Bonawitz et al. 2017, "Practical Secure Aggregation for Privacy-Preserving Machine Learning", CCS, Fig. 4).
/// </summary>
/// <remarks>
/// Security model: honest-but-curious server and parties (the paper's semi-honest protocol). The server learns only
/// the sum of at least <see cref="Threshold"/> inputs; any coalition of fewer than <see cref="Threshold"/> parties
/// (with or without the server) learns nothing about a single honest party's input, because reconstructing a
/// party's self-mask seed or mask key takes <see cref="Threshold"/> Shamir shares. A party never reveals both shares
/// of the same peer. Public keys are advertised through the server unsigned: against an actively malicious server
/// the paper's signed round 0 and consistency round are required and are not implemented here.
/// </remarks>
/// <param name="Session">
/// The session label (e.g. "run-3/round-17"). It salts every key derivation and is bound into every share
/// ciphertext, so shares and masks of one session are useless in another.
/// </param>
/// <param name="Parties">Parties invited (N); they are indexed 0..N-1 and hold Shamir x-coordinate index + 1.</param>
/// <param name="Threshold">Shamir threshold t: at least t parties must answer the unmasking round; 2 ≤ t ≤ N.</param>
/// <param name="Length">Elements per input vector.</param>
/// <param name="Quantization">How float inputs map to the ring Z_2^32.</param>
public sealed record SecureAggregationOptions(string Session, int Parties, int Threshold, int Length, FixedPointQuantization Quantization)
{
    /// <summary>The largest party count: share x-coordinates and the wire layout use 32-bit indices, and the cost is O(N²).</summary>
    public const int MaxParties = 1 << 16;

    /// <summary>The default threshold: a strict majority, ⌊N/2⌋ + 1 (at least 2).</summary>
    public static int MajorityThreshold(int parties) => Math.Max(2, (parties / 2) + 1);

    /// <summary>Every reason these options cannot run; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(Session))
        {
            errors.Add("the session label must not be empty (it salts every key derivation).");
        }

        if (Parties < 2 || Parties > MaxParties)
        {
            errors.Add($"parties must be between 2 and {MaxParties}; got {Parties}.");
        }

        if (Threshold < 2 || Threshold > Parties)
        {
            errors.Add($"the threshold must satisfy 2 ≤ t ≤ parties ({Parties}); got {Threshold}.");
        }

        if (Length < 1)
        {
            errors.Add($"the vector length must be at least 1; got {Length}.");
        }

        if (Quantization is null)
        {
            errors.Add("a quantization is required.");
        }
        else if (Quantization.OverflowError(Parties) is { } overflow)
        {
            errors.Add(overflow);
        }

        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem when the options are invalid.</summary>
    public void EnsureValid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid secure aggregation options: " + string.Join(" ", errors));
        }
    }
}
