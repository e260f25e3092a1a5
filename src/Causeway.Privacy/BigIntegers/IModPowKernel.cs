namespace Causeway.Privacy.BigIntegers;

/// <summary>One modular exponentiation with operands already in the backend's own representation.</summary>
internal interface IModPowKernel : IDisposable
{
    void Compute();
}
