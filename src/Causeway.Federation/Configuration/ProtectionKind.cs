namespace Causeway.Federation.Configuration;

/// <summary>How a run hides individual updates from the coordinator (the <c>"protection.kind"</c> of a run configuration).</summary>
public enum ProtectionKind
{
    /// <summary>Plain rounds: the coordinator receives every party's delta.</summary>
    None,

    /// <summary>Secure aggregation (Bonawitz et al. 2017): the coordinator learns only the sum of the masked updates.</summary>
    SecAgg,

    /// <summary>Paillier encryption: the coordinator adds ciphertexts; a key-holding party decrypts the sum only.</summary>
    Paillier,
}
