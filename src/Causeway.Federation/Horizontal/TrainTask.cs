using Causeway.Core.Tensors;
using Causeway.Core.Training;
using Causeway.Federation.Horizontal.DifferentialPrivacy;
using Causeway.Federation.Horizontal.Protection;

namespace Causeway.Federation.Horizontal;

/// <summary>What the coordinator asks one party to do in one round: train from the global model with a plan.</summary>
/// <param name="Round">The round this task belongs to.</param>
/// <param name="Global">The global parameters at the start of the round (shared, read-only for the party).</param>
/// <param name="Plan">How to train locally.</param>
/// <param name="Seed">Seed for the party's shuffling and dropout this round, so runs are reproducible.</param>
/// <param name="Privacy">
/// Client-level DP with the noise at the parties: how the party clips and noises its delta before sending it; null otherwise.
/// </param>
public sealed record TrainTask(RoundInfo Round, ParameterSet Global, TrainingPlan Plan, ulong Seed, UpdatePrivacy? Privacy = null)
{
    /// <summary>
    /// In a protected round, how the party must protect its delta before answering (mask it, encrypt it); null in a
    /// plain round. The party then answers with a <see cref="PartyReply.Protected"/> update, never the plain delta.
    /// </summary>
    public ProtocolMessage? Protection { get; init; }
}

