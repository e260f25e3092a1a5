namespace Causeway.Federation.Vertical.Training;

/// <summary>A trained split network: scoring sends each party's embedding of its row to the guest's top model.</summary>
public sealed class SplitNetworkModel
{
    private readonly IReadOnlyList<SplitNetworkParty> _parties;
    private readonly SplitNetworkTop _top;

    internal SplitNetworkModel(IReadOnlyList<SplitNetworkParty> parties, SplitNetworkTop top)
    {
        _parties = parties;
        _top = top;
    }

    /// <summary>Each party's bottom model (the guest's first), as layers: its columns in, its embedding out.</summary>
    public IReadOnlyList<IReadOnlyList<Core.Models.DenseLayer>> Bottoms => [.. _parties.Select(p => p.Layers)];

    /// <summary>The guest's top model, as layers: the parties' embeddings concatenated in party order in, the logit out.</summary>
    public IReadOnlyList<Core.Models.DenseLayer> Top => _top.Layers;

    /// <summary>Probabilities for aligned rows given as each party's columns (the guest's first).</summary>
    public double[] Predict(IReadOnlyList<VerticalPartyData> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count != _parties.Count)
        {
            throw new ArgumentException($"The model has {_parties.Count} parties; rows were given for {rows.Count}.", nameof(rows));
        }

        return _top.Predict([.. _parties.Select((party, p) => party.Embed(rows[p]))]);
    }
}
