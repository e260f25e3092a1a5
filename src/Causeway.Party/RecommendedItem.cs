namespace Causeway.Party;

/// <summary>One recommended item: its id in the catalogue and its predicted score (a rating under matrix factorisation).</summary>
public sealed record RecommendedItem(string Item, float Score);
