using Causeway.Privacy.BigIntegers;
using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Tests.Vertical.Training;

/// <summary>Paillier keys for tests: 1024 bits (below the 2048-bit production minimum) so encrypted runs stay quick.</summary>
internal static class TestKeys
{
    public static PaillierPrivateKey Small() => PaillierPrivateKey.GenerateUnchecked(1024, BigIntegerBackend.Default);
}
