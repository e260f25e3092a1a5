using System.Collections.ObjectModel;

namespace Causeway.Privacy.Accounting;

/// <summary>
/// Tracks the privacy loss of a federation's training run as an RDP curve: each
/// <see cref="SampledGaussianRound"/> adds its RDP at every order (composition, Mironov 2017
/// Proposition 1), and the (ε, δ) guarantee is read off with <see cref="Conversion"/>.
/// </summary>
/// <remarks>
/// Rounds may differ in noise multiplier, sampling rate and steps. Not thread-safe: one accountant per
/// run, updated by the round loop. The guarantee assumes Poisson sampling with the stated rate and
/// unit L2 sensitivity after clipping (see <see cref="SampledGaussianRdp"/>).
/// </remarks>
public sealed class RdpAccountant
{
    private readonly double[] _orders;
    private readonly double[] _rdp;
    private readonly double[] _scratch;
    private readonly List<SampledGaussianRound> _rounds = [];

    /// <param name="delta">δ in (0, 1) at which ε is reported.</param>
    /// <param name="conversion">The RDP→(ε, δ) bound; default <see cref="RdpConversion.Classic"/>.</param>
    /// <param name="orders">Rényi orders to track (each &gt; 1); default <see cref="RdpOrders.Default"/>.</param>
    public RdpAccountant(double delta, RdpConversion conversion = RdpConversion.Classic, IReadOnlyList<double>? orders = null)
    {
        RdpConverter.ValidateDelta(delta);
        if (!Enum.IsDefined(conversion))
        {
            throw new ArgumentOutOfRangeException(nameof(conversion), conversion, "Unknown conversion.");
        }

        _orders = [.. orders ?? RdpOrders.Default];
        SampledGaussianRdp.ValidateOrders(_orders);
        _rdp = new double[_orders.Length];
        _scratch = new double[_orders.Length];
        Delta = delta;
        Conversion = conversion;
        Orders = _orders.AsReadOnly();
    }

    public double Delta { get; }

    public RdpConversion Conversion { get; }

    public IReadOnlyList<double> Orders { get; }

    /// <summary>The composed RDP at each of <see cref="Orders"/> (a snapshot).</summary>
    public IReadOnlyList<double> Rdp => ((double[])_rdp.Clone()).AsReadOnly();

    /// <summary>The rounds accounted so far, in order.</summary>
    public IReadOnlyList<SampledGaussianRound> Rounds => new ReadOnlyCollection<SampledGaussianRound>([.. _rounds]);

    /// <summary>(ε, δ) spent so far with <see cref="Conversion"/>; ε = 0 before any round.</summary>
    public PrivacySpent Spent => GetSpent(Conversion);

    /// <summary>(ε, δ) spent so far with the given conversion; nothing released yet (every RDP 0) is ε = 0 at order NaN.</summary>
    public PrivacySpent GetSpent(RdpConversion conversion) =>
        Array.TrueForAll(_rdp, r => r == 0) ? new PrivacySpent(0, Delta, double.NaN, conversion) : RdpConverter.ToPrivacySpent(_orders, _rdp, Delta, conversion);

    /// <summary>Accounts for <paramref name="round"/> and returns the (ε, δ) spent including it.</summary>
    public PrivacySpent Add(SampledGaussianRound round)
    {
        ArgumentNullException.ThrowIfNull(round);
        Accumulate(round, _rdp);
        _rounds.Add(round);
        return Spent;
    }

    /// <summary>The (ε, δ) that would be spent if <paramref name="round"/> were added; the accountant is unchanged.</summary>
    public PrivacySpent Preview(SampledGaussianRound round)
    {
        ArgumentNullException.ThrowIfNull(round);
        _rdp.CopyTo(_scratch, 0);
        Accumulate(round, _scratch);
        return RdpConverter.ToPrivacySpent(_orders, _scratch, Delta, Conversion);
    }

    /// <summary>True when adding <paramref name="round"/> would take ε above <paramref name="epsilonMax"/>.</summary>
    /// <param name="round">The round about to run.</param>
    /// <param name="epsilonMax">The budget: finite and &gt; 0.</param>
    public bool WouldExceed(SampledGaussianRound round, double epsilonMax)
    {
        if (!(epsilonMax > 0) || !double.IsFinite(epsilonMax))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilonMax), epsilonMax, "The budget must be finite and positive.");
        }

        return Preview(round).Epsilon > epsilonMax;
    }

    private void Accumulate(SampledGaussianRound round, double[] rdp)
    {
        var added = new double[_orders.Length];
        SampledGaussianRdp.Compute(round.SamplingRate, round.NoiseMultiplier, round.Steps, _orders, added);
        for (var k = 0; k < rdp.Length; k++)
        {
            rdp[k] += added[k];
        }
    }
}
