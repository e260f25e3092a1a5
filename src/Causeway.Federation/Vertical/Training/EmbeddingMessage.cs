namespace Causeway.Federation.Vertical.Training;

/// <summary>Party → guest, per mini-batch of a split network: the party's embedding of each batch row, in the clear.</summary>
/// <param name="Party">The party's index (0 is the guest's own bottom model).</param>
/// <param name="Batch">The batch number.</param>
/// <param name="Width">Values per row.</param>
/// <param name="Values">Row-major, rows × width.</param>
public sealed record EmbeddingMessage(int Party, long Batch, int Width, float[] Values);
