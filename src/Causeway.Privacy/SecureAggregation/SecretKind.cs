namespace Causeway.Privacy.SecureAggregation;

/// <summary>The two secrets a party Shamir-shares in round 1.</summary>
public enum SecretKind : byte
{
    /// <summary>The 32-byte self-mask seed b, revealed for parties whose masked input was included.</summary>
    SelfMaskSeed = 1,

    /// <summary>The 32-byte P-256 mask private key c_sk, revealed for parties that dropped before sending their input.</summary>
    MaskPrivateKey = 2,
}
