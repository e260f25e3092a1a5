namespace Causeway.Federation.Horizontal.Buffered;

/// <summary>How an asynchronous update's weight falls with its staleness τ (versions the model moved on since the party's copy).</summary>
public enum StalenessFunction
{
    /// <summary>s(τ) = 1: every update within the staleness bound counts fully.</summary>
    Constant,

    /// <summary>s(τ) = (1 + τ)^−a (Xie et al. 2019, FedAsync, "polynomial"; FedBuff uses a = 0.5).</summary>
    Polynomial,
}
