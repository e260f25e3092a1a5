namespace Causeway.Privacy.Accounting;

/// <summary>Converts an RDP curve (RDP(α) at each tracked order α) into an (ε, δ) guarantee.</summary>
public static class RdpConverter
{
    /// <summary>The smallest ε over <paramref name="orders"/> for the given δ, by <paramref name="conversion"/>.</summary>
    /// <param name="orders">α values, each finite and &gt; 1.</param>
    /// <param name="rdp">RDP(α) ≥ 0 for each order (same length), +∞ allowed.</param>
    /// <param name="delta">δ in (0, 1).</param>
    /// <param name="conversion">The bound to apply; see <see cref="RdpConversion"/>.</param>
    public static PrivacySpent ToPrivacySpent(ReadOnlySpan<double> orders, ReadOnlySpan<double> rdp, double delta, RdpConversion conversion)
    {
        SampledGaussianRdp.ValidateOrders(orders);
        if (rdp.Length != orders.Length)
        {
            throw new ArgumentException("There must be one RDP value per order.", nameof(rdp));
        }

        ValidateDelta(delta);
        if (!Enum.IsDefined(conversion))
        {
            throw new ArgumentOutOfRangeException(nameof(conversion), conversion, "Unknown conversion.");
        }

        var bestEpsilon = double.PositiveInfinity;
        var bestOrder = double.NaN;
        for (var k = 0; k < orders.Length; k++)
        {
            var r = rdp[k];
            if (!(r >= 0))
            {
                throw new ArgumentOutOfRangeException(nameof(rdp), r, "RDP values must be non-negative.");
            }

            var epsilon = conversion == RdpConversion.Classic ? Classic(orders[k], r, delta) : Balle2020(orders[k], r, delta);
            if (epsilon < bestEpsilon)
            {
                bestEpsilon = epsilon;
                bestOrder = orders[k];
            }
        }

        return new PrivacySpent(Math.Max(0, bestEpsilon), delta, bestOrder, conversion);
    }

    internal static void ValidateDelta(double delta)
    {
        if (!(delta is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "Delta must be in (0, 1).");
        }
    }

    private static double Classic(double order, double rdp, double delta) => rdp - (Math.Log(delta) / (order - 1));

    private static double Balle2020(double order, double rdp, double delta)
    {
        // δ ≥ sqrt(1 − exp(−KL)) already holds: ε = 0 (TF-Privacy's shortcut).
        if ((delta * delta) + LogSpace.ExpMinusOne(-rdp) >= 0)
        {
            return 0;
        }

        return order > 1.01 ? rdp + LogSpace.LogOnePlus(-1 / order) - (Math.Log(delta * order) / (order - 1)) : double.PositiveInfinity;
    }
}
