namespace Causeway.Federation.Vertical.Training;

/// <summary>Encryption of a vertical simulation's linear model.</summary>
public sealed record VerticalEncryptionConfig
{
    /// <summary>none, arbiter or two-party. Default none.</summary>
    public VerticalEncryption Mode { get; init; } = VerticalEncryption.None;

    /// <summary>Paillier modulus bits. Default 2048.</summary>
    public int KeyBits { get; init; } = 2048;

    /// <summary>Train the encrypted model on only the first this-many (shuffled) training rows; null for all.</summary>
    public int? Rows { get; init; }
}
