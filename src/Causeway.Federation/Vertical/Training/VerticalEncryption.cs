namespace Causeway.Federation.Vertical.Training;

/// <summary>How a vertical linear model protects what crosses between the roles (docs/vertical.md lists what each role sees).</summary>
public enum VerticalEncryption
{
    /// <summary>No encryption: partial scores and residuals cross in the clear (a baseline for speed and accuracy).</summary>
    None,

    /// <summary>
    /// Three roles (Hardy et al. 2017, FATE's Hetero-LR): an arbiter holds the Paillier key; hosts send encrypted
    /// partial scores, the guest sends the encrypted residual, and every party's gradient reaches the arbiter only
    /// encrypted and masked.
    /// </summary>
    Arbiter,

    /// <summary>
    /// Two roles: the guest holds the Paillier key and sees the hosts' partial scores; it sends the hosts the encrypted
    /// residual and decrypts their masked gradients.
    /// </summary>
    TwoParty,
}
