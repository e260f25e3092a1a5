using Causeway.Core.Metrics;

namespace Causeway.Federation.Horizontal;

/// <summary>The global model's evaluation after a round: the federation's figures, and each party's own.</summary>
/// <param name="Combined">Over every evaluation row that was scored (<see cref="FederatedEvaluator.Combine"/>), or a central test set's.</param>
/// <param name="Parties">
/// Each answering party's figures on its own evaluation rows, without its score histogram, in roster order; empty for a
/// central test set. The coordinator receives these to combine them anyway, so keeping them shows the operator nothing
/// more: per-site accuracy, not rows.
/// </param>
public sealed record GlobalEvaluation(Evaluation Combined, IReadOnlyList<PartyEvaluation> Parties);

/// <summary>One party's figures for the global model on its own evaluation rows.</summary>
public sealed record PartyEvaluation(PartyId Party, Evaluation Evaluation);
