namespace Causeway.Federation.Horizontal.Protection;

/// <summary>
/// A message of a protected round's protocol (secure aggregation or Paillier): a coordinator's request in a
/// <see cref="ProtocolStep"/>, a party's answer in a <see cref="ProtocolStepReply"/>, the instruction a protected
/// <see cref="TrainTask"/> carries (<see cref="TrainTask.Protection"/>), or the protected update a party trains into
/// (<see cref="ProtectedUpdate.Payload"/>). The network maps each kind to one case of the wire's
/// <c>causeway.v1.ProtectionMessage</c>; the simulator passes them as they are.
/// </summary>
public abstract record ProtectionMessage
{
    /// <summary>A short name for logs and failure reasons (never a value).</summary>
    public abstract string Name { get; }

    /// <summary>The size of the protected values it carries (masked ring elements, ciphertexts), for round metrics; 0 for control messages.</summary>
    public virtual long PayloadBytes => 0;
}
