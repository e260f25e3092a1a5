namespace Causeway.Federation.Vertical.Alignment;

/// <summary>Who learns what at the end of a private set intersection.</summary>
public enum AlignmentMode
{
    /// <summary>Every party learns which of its own rows are in the intersection of all parties.</summary>
    RevealToAll,

    /// <summary>Only the guest (the label holder) learns the intersection; hosts learn nothing beyond the guest's set size.</summary>
    RevealToGuest,

    /// <summary>
    /// Guest and host learn only the intersection's size. The host returns the guest's double-encrypted IDs sorted (not in
    /// the guest's order) and sends its own points sorted, so neither side can tie a match to a row. Two parties only.
    /// </summary>
    CardinalityOnly,
}
