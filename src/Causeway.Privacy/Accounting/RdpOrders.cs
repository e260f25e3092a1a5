using System.Collections.ObjectModel;

namespace Causeway.Privacy.Accounting;

/// <summary>The Rényi orders at which the accountant tracks privacy loss.</summary>
public static class RdpOrders
{
    /// <summary>
    /// TF-Privacy's default list: 1.1, 1.2, …, 10.9, then 12, 13, …, 63, then 128, 256, 512
    /// (154 orders). With it the sampled Gaussian accountant reproduces TF-Privacy's published epsilons.
    /// </summary>
    public static ReadOnlyCollection<double> Default { get; } = CreateDefault();

    private static ReadOnlyCollection<double> CreateDefault()
    {
        var orders = new List<double>(154);
        for (var x = 1; x < 100; x++)
        {
            orders.Add(1 + (x / 10.0));
        }

        for (var order = 12; order < 64; order++)
        {
            orders.Add(order);
        }

        orders.AddRange([128, 256, 512]);
        return orders.AsReadOnly();
    }
}
