using Causeway.Federation.Vertical.Training;

namespace Causeway.Federation.Vertical.Network;

/// <summary>The rows of mini-batch (epoch, index) of a job, derived from the public seed as every role derives them (<see cref="BatchPlan"/>); one epoch's plan is kept.</summary>
internal sealed class EpochBatches(string job, int rows, int batchSize, int epochs, ulong seed)
{
    private (int Epoch, IReadOnlyList<int[]> Batches)? _plan;

    /// <exception cref="ArgumentException">The epoch or the batch does not exist.</exception>
    public int[] Rows(int epoch, int index)
    {
        if (_plan is not { } plan || plan.Epoch != epoch)
        {
            if (epoch < 0 || epoch >= epochs)
            {
                throw new ArgumentException($"Job '{job}': epoch {epoch} is outside the {epochs} epochs.");
            }

            plan = (epoch, BatchPlan.Batches(rows, batchSize, seed, epoch));
            _plan = plan;
        }

        return (uint)index < (uint)plan.Batches.Count
            ? plan.Batches[index]
            : throw new ArgumentException($"Job '{job}': epoch {epoch} has {plan.Batches.Count} batches, not {index + 1}.");
    }
}
