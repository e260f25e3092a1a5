namespace Causeway.Federation.Recommendation;

/// <summary>The shape of a party's item update on its way to the coordinator.</summary>
public enum ItemUpdateForm
{
    /// <summary>
    /// Only the touched rows, with their indices (<see cref="ItemModel.SparseLayout"/>): small, and it tells the
    /// coordinator exactly which items the party rated. The default.
    /// </summary>
    Sparse,

    /// <summary>
    /// The whole catalogue, zero outside the touched rows (<see cref="ItemModel.Layout"/>). In the clear it reveals the
    /// same as <see cref="Sparse"/> (the non-zero rows); it is the form a masking or encrypting protection can hide.
    /// </summary>
    Dense,

    /// <summary>
    /// The dense form followed by <c>item_counts[n]</c>: 1 for every item the party touched, 0 elsewhere
    /// (<see cref="ItemModel.CountedLayout"/>). Under secure aggregation or Paillier the coordinator learns only the sums
    /// of the rows and of the counts, and divides one by the other per item, so the protected means are not diluted by the
    /// parties that did not rate an item. In the clear it reveals what <see cref="Sparse"/> does.
    /// </summary>
    Counted,
}
