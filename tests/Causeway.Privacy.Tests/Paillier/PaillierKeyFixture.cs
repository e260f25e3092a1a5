using Causeway.Privacy.Paillier;

namespace Causeway.Privacy.Tests.Paillier;

/// <summary>One 2048-bit key on the default backend, generated once per test class that uses it.</summary>
public sealed class PaillierKeyFixture : IDisposable
{
    public PaillierPrivateKey PrivateKey { get; } = PaillierPrivateKey.Generate(2048);

    public PaillierPublicKey PublicKey => PrivateKey.PublicKey;

    public void Dispose() => PrivateKey.Dispose();
}
