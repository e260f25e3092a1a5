namespace Causeway.Federation.Vertical.Training;

/// <summary>The residual d = ∂loss/∂u of each loss, sent scaled as s·d so that the encrypted form needs no multiplication.</summary>
internal static class ResidualForm
{
    /// <summary>1/s: 1/4 for the Taylor logistic loss (4d = u + 2 − 4y), 1 otherwise.</summary>
    public static double Scale(VerticalLoss loss) => loss == VerticalLoss.TaylorLogistic ? 0.25 : 1.0;

    /// <summary>s·d for the guest's score g and the hosts' summed score h, in the clear (u = g + h).</summary>
    public static double Scaled(VerticalLoss loss, double guestScore, double hostScore, float y)
    {
        var u = guestScore + hostScore;
        return loss switch
        {
            VerticalLoss.TaylorLogistic => u + 2.0 - (4.0 * y),
            VerticalLoss.Logistic => Sigmoid(u) - y,
            _ => u - y,
        };
    }

    private static double Sigmoid(double u) => 1.0 / (1.0 + Math.Exp(-u));

    /// <summary>The part of s·d the guest adds in the clear to the hosts' encrypted partial scores (linear losses only).</summary>
    public static double GuestTerm(VerticalLoss loss, double guestScore, float y) => loss switch
    {
        VerticalLoss.TaylorLogistic => guestScore + 2.0 - (4.0 * y),
        VerticalLoss.Squared => guestScore - y,
        _ => throw new InvalidOperationException("The exact logistic residual is not linear in the score and cannot be formed on encrypted scores."),
    };
}
