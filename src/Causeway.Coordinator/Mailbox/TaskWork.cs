namespace Causeway.Coordinator.Mailbox;

/// <summary>
/// What a task asks of its party: exactly one of <see cref="TrainWork"/>, <see cref="EvaluateWork"/> and
/// <see cref="StepWork"/>. The kind decides what the task carries on the wire and which result answers it.
/// </summary>
internal abstract record TaskWork;
