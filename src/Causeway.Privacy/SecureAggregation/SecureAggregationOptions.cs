namespace Causeway.Privacy.SecureAggregation;

/// <summary>
/// The public parameters every party and the server of one secure-aggregation session agree on before round 0
/// (Bonawitz et al. 2017, "Practical Secure Aggregation for Privacy-Preserving Machine Learning", CCS, Fig. 4).
/// </summary>
/// <remarks>
/// <para>
/// Graph. With <see cref="Degree"/> null every party masks against and shares with every other (SecAgg). With a degree
/// k, the parties form the Harary graph of <see cref="MaskingGraph"/> (SecAgg+, Bell et al. 2020): each masks against
/// its k neighbours and Shamir-shares with its neighbourhood of k + 1, and <see cref="Threshold"/> counts within that
/// neighbourhood. <see cref="SecureAggregationParameters.Choose"/> picks k and t from stated dropout and corruption rates.
/// </para>
/// <para>
/// Security model. Semi-honest (<see cref="Authenticated"/> false): the server follows the protocol; any coalition with
/// fewer than t members in a party's neighbourhood (with or without the server) learns nothing about that party's input
/// beyond the sum, because rebuilding its self-mask seed or mask key takes t Shamir shares, and a party never reveals
/// both shares of the same peer. Authenticated: round-0 keys are signed with each party's long-term identity key
/// (<see cref="SecureAggregationIdentity"/>) and a consistency round precedes unmasking (Bonawitz et al. 2017, Fig. 5):
/// a party reveals a share of u only when t members of u's neighbourhood signed the same verdict on u, so a server
/// that substitutes keys or tells different parties different stories about who dropped is detected and the session
/// aborts; this needs 2t &gt; k + 1 plus the number of colluders in the neighbourhood.
/// </para>
/// </remarks>
/// <param name="Session">
/// The session label (e.g. "run-3/round-17"). It salts every key derivation and is bound into every share
/// ciphertext, so shares and masks of one session are useless in another.
/// </param>
/// <param name="Parties">Parties invited (N); they are indexed 0..N-1 and hold Shamir x-coordinate index + 1.</param>
/// <param name="Threshold">Shamir threshold t: at least t parties must answer the unmasking round; 2 ≤ t ≤ N.</param>
/// <param name="Length">Elements per input vector.</param>
/// <param name="Quantization">How float inputs map to the ring Z_2^32.</param>
/// <param name="Degree">k for SecAgg+ (even, 2 ≤ k &lt; N − 1); null for the complete graph (SecAgg).</param>
/// <param name="Authenticated">Signed round-0 keys and the consistency round (a server that may lie).</param>
public sealed record SecureAggregationOptions(
    string Session, int Parties, int Threshold, int Length, FixedPointQuantization Quantization, int? Degree = null, bool Authenticated = false)
{
    /// <summary>The largest party count: share x-coordinates and the wire layout use 32-bit indices.</summary>
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

        if (Degree is { } k && (k < 2 || k % 2 != 0))
        {
            errors.Add($"the SecAgg+ degree must be even and at least 2; got {k}.");
        }

        var neighbourhood = Degree is { } d && d < Parties - 1 ? d + 1 : Parties;
        if (Threshold < 2 || Threshold > neighbourhood)
        {
            errors.Add($"the threshold must satisfy 2 ≤ t ≤ {neighbourhood} (the parties of a neighbourhood); got {Threshold}.");
        }
        else if (Authenticated && 2 * Threshold <= neighbourhood)
        {
            errors.Add($"against a lying coordinator the threshold must exceed half a neighbourhood (2t > {neighbourhood}); got {Threshold}.");
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

    /// <summary>The peer graph these options describe (derived from the session label; see <see cref="MaskingGraph"/>).</summary>
    public MaskingGraph CreateGraph() => MaskingGraph.For(Session, Parties, Degree);

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
