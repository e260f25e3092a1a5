namespace Causeway.Federation.Vertical.Alignment;

/// <summary>The four message streams of the ECDH-PSI protocol between the guest G and one host H.</summary>
public enum PsiStream
{
    /// <summary>G → every H: E_g(H(g_i)), compressed points, in G's deduplicated row order.</summary>
    GuestPoints,

    /// <summary>H → G: tags of E_h(E_g(H(g_i))), batch b answering GuestPoints batch b (sorted, at the end, in cardinality mode).</summary>
    GuestTags,

    /// <summary>H → G: E_h(H(h_j)), compressed points, in H's deduplicated row order (sorted in cardinality mode).</summary>
    HostPoints,

    /// <summary>G → H: the outcome for H (its matched positions, the count, or nothing), by mode.</summary>
    Result,
}
