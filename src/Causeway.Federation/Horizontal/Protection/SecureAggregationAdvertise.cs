using Causeway.Privacy.SecureAggregation;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>Secure aggregation round 0, coordinator → party: the session's public parameters and the party's index; the party answers <see cref="SecureAggregationKeys"/>.</summary>
/// <param name="Label">The session label (run and round): it salts every key derivation and fixes the SecAgg+ graph.</param>
/// <param name="Parties">N, the parties selected this round.</param>
/// <param name="Threshold">t, the Shamir threshold within a neighbourhood.</param>
/// <param name="Length">The model's parameter count.</param>
/// <param name="Scale">The fixed-point scale S.</param>
/// <param name="ClipBound">The clip bound C of every coordinate.</param>
/// <param name="Index">The receiving party's index in 0..N−1.</param>
/// <param name="Degree">SecAgg+'s degree k; null for SecAgg (every party a neighbour of every other).</param>
/// <param name="Authenticated">Signed keys and the consistency round.</param>
/// <param name="Roster">
/// Authenticated sessions: the certificates of the parties whose signatures the receiver checks (its neighbourhood and
/// theirs), each with its index and party id. The receiver trusts an entry only when the certificate chains to its
/// federation CA and names that party, never because the coordinator sent it.
/// </param>
public sealed record SecureAggregationAdvertise(
    string Label, int Parties, int Threshold, int Length, double Scale, double ClipBound, int Index,
    int? Degree = null, bool Authenticated = false, IReadOnlyList<PartyCredential>? Roster = null) : ProtocolMessage
{
    public override string Name => "secagg-advertise";

    /// <summary>The kernel's options for this session.</summary>
    public SecureAggregationOptions ToOptions() => new(Label, Parties, Threshold, Length, new FixedPointQuantization(Scale, ClipBound), Degree, Authenticated);

    /// <summary>
    /// Round 0's request to the party at <paramref name="index"/> of <paramref name="parties"/> (session order). An
    /// authenticated session carries the certificates of the parties whose signatures that party checks: its
    /// neighbourhood's neighbourhoods in <paramref name="graph"/>.
    /// </summary>
    public static SecureAggregationAdvertise For(
        SecureAggregationOptions options, MaskingGraph graph, IReadOnlyList<PartyId> parties, int index, Func<PartyId, byte[]?>? certificates)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(parties);
        List<PartyCredential>? roster = null;
        if (options.Authenticated)
        {
            var needed = graph.Neighbourhood(index).SelectMany(graph.Neighbourhood).ToHashSet();
            roster = [.. needed.Order().Select(i => new PartyCredential(i, parties[i], certificates?.Invoke(parties[i]) ?? []))];
        }

        var quantization = options.Quantization;
        return new SecureAggregationAdvertise(
            options.Session, options.Parties, options.Threshold, options.Length, quantization.Scale, quantization.ClipBound, index, options.Degree, options.Authenticated, roster);
    }
}

/// <summary>One entry of an authenticated session's roster: a party's index in the session, its id and its X.509 certificate (DER).</summary>
public sealed record PartyCredential(int Index, PartyId Party, byte[] Certificate)
{
    /// <summary>
    /// The coordinator's roster of the selected parties' certificate keys (the certificates their TLS connections
    /// presented, already checked against the federation CA), to refuse a bad signature before relaying it.
    /// </summary>
    public static IdentityRoster CoordinatorRoster(IReadOnlyList<PartyId> parties, Func<PartyId, byte[]?>? certificates) =>
        new([.. parties.Select(p => PublicKeyOf(certificates?.Invoke(p)))]);

    private static byte[] PublicKeyOf(byte[]? certificate)
    {
        if (certificate is not { Length: > 0 })
        {
            return [];
        }

        try
        {
            using var loaded = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificate);
            return loaded.PublicKey.ExportSubjectPublicKeyInfo();
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return [];
        }
    }
}
