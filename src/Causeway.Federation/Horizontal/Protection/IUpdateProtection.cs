namespace Causeway.Federation.Horizontal.Protection;

/// <summary>
/// How a run hides individual updates from the coordinator (secure aggregation, Paillier encryption): the round
/// engine asks it for one <see cref="IProtectedRound"/> per round. Null in <see cref="RoundEngineOptions.Protection"/>
/// means plain rounds (no protocol steps, no overhead).
/// </summary>
/// <remarks>
/// The protected round replaces the strategy's aggregation: it computes the mean of the accepted updates
/// (Σ w_k Δ_k / Σ w_k, w_k = 1 or a public bounded weight, see <see cref="UpdateWeight"/>), which the strategy's
/// server optimizer then steps with, as it does with the plain aggregate.
/// </remarks>
public interface IUpdateProtection
{
    /// <summary>The protection's name in the run configuration ("secagg", "paillier").</summary>
    string Name { get; }

    /// <summary>The public bound of the update weights (<see cref="UpdateWeight"/>); null when updates count uniformly.</summary>
    double? WeightCap { get; }

    /// <summary>Starts one round's protected aggregation among the selected parties.</summary>
    IProtectedRound Begin(ProtectedRoundContext context);
}
