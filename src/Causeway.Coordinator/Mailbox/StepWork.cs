using Causeway.Federation;

namespace Causeway.Coordinator.Mailbox;

/// <summary>Take one step of a protocol (a protected round's key exchange, a vertical job's step); answered by a step reply.</summary>
/// <param name="Request">The step's request message.</param>
internal sealed record StepWork(ProtocolMessage Request) : TaskWork;
