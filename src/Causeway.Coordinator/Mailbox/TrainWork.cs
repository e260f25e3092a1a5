using Causeway.Core.Models;
using Causeway.Core.Tensors;
using Causeway.Core.Training;
using Causeway.Federation;
using Causeway.Federation.Horizontal.DifferentialPrivacy;

namespace Causeway.Coordinator.Mailbox;

/// <summary>Train from <paramref name="Global"/> with <paramref name="Plan"/>; answered by a delta (or, when <paramref name="Protection"/> is set, a protected update).</summary>
/// <param name="Global">The global parameters at the start of the round (shared by every task of the round; never written).</param>
/// <param name="Plan">Local epochs, batch size, optimizer.</param>
/// <param name="Seed">Seeds the party's batch order.</param>
/// <param name="Setup">The run's setup in wire form, or null when the run has none.</param>
/// <param name="Privacy">The client-level DP the party applies to its delta, or null.</param>
/// <param name="Protection">How a protected round's delta must be masked or encrypted, or null for a plain delta.</param>
internal sealed record TrainWork(ParameterSet Global, TrainingPlan Plan, ulong Seed, WireSetup? Setup, UpdatePrivacy? Privacy, ProtocolMessage? Protection) : TaskWork
{
    /// <summary>Which layers the party trains and sends (frozen and personal layers), or null when it sends the whole model.</summary>
    public LayerSharing? Sharing => LayerSharing.Of(Global.Layout, Plan);

    /// <summary>The layout of the plain delta the party sends: the shared layers only.</summary>
    public ParameterLayout DeltaLayout => Sharing?.Shared ?? Global.Layout;
}
