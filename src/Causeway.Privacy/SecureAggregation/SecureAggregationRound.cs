namespace Causeway.Privacy.SecureAggregation;

/// <summary>The rounds of the protocol (Bonawitz et al. 2017, Fig. 4), in order; each object moves forward only.</summary>
public enum SecureAggregationRound
{
    /// <summary>Round 0: parties advertise their two P-256 public keys.</summary>
    AdvertiseKeys,

    /// <summary>Round 1: parties send Shamir shares of their self-mask seed and mask key, encrypted per recipient.</summary>
    ShareKeys,

    /// <summary>Round 2: parties send their masked, quantised inputs.</summary>
    MaskedInputCollection,

    /// <summary>Round 3 of the paper, authenticated sessions only: survivors sign their view of who survived.</summary>
    ConsistencyCheck,

    /// <summary>Round 4 of the paper: survivors reveal the shares needed to remove the masks.</summary>
    Unmasking,

    /// <summary>The session is over (sum recovered or failed).</summary>
    Completed,
}
