using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>
/// One protected round, driven by the round engine: <see cref="PrepareAsync"/> before training (key phases),
/// <see cref="InstructionFor"/> for each train task, <see cref="Accept"/> for each protected reply as it arrives
/// (streaming: the round keeps one running masked or encrypted sum, never an individual update), and
/// <see cref="CompleteAsync"/> after collection (unmasking or decryption).
/// </summary>
/// <remarks>
/// Failures of single parties are data (<see cref="PartyFailure"/>); a round that cannot go on sets
/// <see cref="Problem"/>, which fails the round with the model unchanged. <see cref="Accept"/> may be called from
/// several threads at once.
/// </remarks>
public interface IProtectedRound
{
    /// <summary>Why the round cannot produce an aggregate (too few parties in a phase...), or null.</summary>
    string? Problem { get; }

    /// <summary>Runs the phases before training. Returns the selected parties that dropped out of the round, and why.</summary>
    Task<IReadOnlyList<PartyFailure>> PrepareAsync(IPartyChannel channel, CancellationToken cancellationToken);

    /// <summary>The protection instruction <paramref name="party"/>'s train task carries.</summary>
    ProtocolMessage InstructionFor(PartyId party);

    /// <summary>Validates and folds one protected update; returns why it is rejected, or null when it was folded.</summary>
    string? Accept(ProtectedUpdate update);

    /// <summary>
    /// Removes the protection from the sum of the accepted updates and returns their (weighted) mean, or null with
    /// <see cref="Problem"/> set when it cannot be recovered.
    /// </summary>
    Task<ParameterSet?> CompleteAsync(IPartyChannel channel, CancellationToken cancellationToken);
}
