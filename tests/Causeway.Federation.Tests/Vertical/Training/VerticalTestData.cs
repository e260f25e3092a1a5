using Causeway.Federation.Vertical.Training;

namespace Causeway.Federation.Tests.Vertical.Training;

/// <summary>Synthetic aligned rows split by columns: labels from a known linear model over all columns.</summary>
internal static class VerticalTestData
{
    public static (VerticalPartyData Guest, VerticalPartyData[] Hosts, float[] Labels) Linear(int rows, int[] columnsPerParty, bool binary, int seed)
    {
        var random = new Random(seed);
        var total = columnsPerParty.Sum();
        var truth = Enumerable.Range(0, total).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var all = new float[rows * total];
        var labels = new float[rows];
        for (var i = 0; i < rows; i++)
        {
            var u = 0.3;
            for (var j = 0; j < total; j++)
            {
                var x = (float)(random.NextDouble() * 2 - 1);
                all[(i * total) + j] = x;
                u += x * truth[j];
            }

            labels[i] = binary ? (random.NextDouble() < 1 / (1 + Math.Exp(-3 * u)) ? 1f : 0f) : (float)(u + (0.05 * (random.NextDouble() - 0.5)));
        }

        var parties = new VerticalPartyData[columnsPerParty.Length];
        var offset = 0;
        for (var p = 0; p < parties.Length; p++)
        {
            var columns = columnsPerParty[p];
            var features = new float[rows * columns];
            for (var i = 0; i < rows; i++)
            {
                Array.Copy(all, (i * total) + offset, features, i * columns, columns);
            }

            parties[p] = new VerticalPartyData(features, rows, columns);
            offset += columns;
        }

        return (parties[0], parties[1..], labels);
    }
}
