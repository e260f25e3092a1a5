namespace Causeway.Federation;

/// <summary>
/// A message of a multi-step protocol between the coordinator and a party: a coordinator's request in a
/// <see cref="ProtocolStep"/> or a party's answer in a <see cref="ProtocolStepReply"/>. Two families: protected rounds
/// (secure aggregation, Paillier; <c>Horizontal/Protection</c>), whose messages also travel as the instruction of a
/// protected train task and as the protected update, and vertical jobs (PSI, vertical training and scoring;
/// <c>Vertical/Network</c>). The network maps each kind to one case of the wire's <c>causeway.v1.ProtocolMessage</c>;
/// the simulator passes them as they are.
/// </summary>
public abstract record ProtocolMessage
{
    /// <summary>A short name for logs and failure reasons (never a value).</summary>
    public abstract string Name { get; }

    /// <summary>The size of the protected values it carries (masked ring elements, ciphertexts), for round metrics; 0 for control messages.</summary>
    public virtual long PayloadBytes => 0;
}
