namespace Causeway.Federation.Vertical.Training;

/// <summary>Guest → party, per mini-batch of a split network: ∂L/∂embedding for each batch row, in the clear.</summary>
/// <param name="Party">The party's index.</param>
/// <param name="Batch">The batch number.</param>
/// <param name="Values">Row-major, rows × embedding width.</param>
public sealed record EmbeddingGradientMessage(int Party, long Batch, float[] Values);
