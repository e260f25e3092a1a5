namespace Causeway.Federation.Vertical.Training;

/// <summary>Vertical model types.</summary>
public enum VerticalModelType
{
    /// <summary>Hetero-LR (Taylor-approximated logistic loss), compared with exact logistic regression.</summary>
    Logistic,

    /// <summary>Vertical linear regression (squared loss).</summary>
    Linear,

    /// <summary>A split neural network: bottom models per party, the top model at the guest.</summary>
    SplitNn,
}
