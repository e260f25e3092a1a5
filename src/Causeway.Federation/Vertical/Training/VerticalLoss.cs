namespace Causeway.Federation.Vertical.Training;

/// <summary>The loss a vertical linear model minimises, and so the residual d = ∂loss/∂u the guest forms from the score u.</summary>
public enum VerticalLoss
{
    /// <summary>
    /// Logistic loss with its second-order Taylor expansion at u = 0 (Hardy et al. 2017, FATE's Hetero-LR): with
    /// y± = 2y − 1, log(1 + e^(−y±u)) ≈ log 2 − ½·y±·u + ⅛·u², so d = ¼·u + ½ − y, linear in u and hence computable
    /// on an encrypted u. Labels are 0/1. Required with <see cref="VerticalEncryption.Arbiter"/>.
    /// </summary>
    TaylorLogistic,

    /// <summary>
    /// The exact logistic loss, d = σ(u) − y. Possible only where the guest sees u in the clear:
    /// <see cref="VerticalEncryption.None"/> and <see cref="VerticalEncryption.TwoParty"/>.
    /// </summary>
    Logistic,

    /// <summary>Squared loss ½(u − y)² (linear regression): d = u − y, exact under encryption.</summary>
    Squared,
}
