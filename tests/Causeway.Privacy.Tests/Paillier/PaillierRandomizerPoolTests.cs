using System.Collections.Concurrent;
using System.Numerics;
using Causeway.Privacy.Paillier;

namespace Causeway.Privacy.Tests.Paillier;

public sealed class PaillierRandomizerPoolTests(PaillierKeyFixture fixture) : IClassFixture<PaillierKeyFixture>
{
    private PaillierPublicKey PublicKey => fixture.PublicKey;

    private PaillierPrivateKey PrivateKey => fixture.PrivateKey;

    [Fact]
    public void Take_ConcurrentTakersBeyondCapacity_NeverHandOutARandomizerTwice()
    {
        using var pool = new PaillierRandomizerPool(PublicKey, capacity: 48, fillInBackground: false);
        pool.Fill();
        var taken = new ConcurrentBag<PaillierRandomizer>();

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (var i = 0; i < 30; i++)
            {
                taken.Add(pool.Take());
            }
        });
        var randomizers = taken.ToArray();
        var values = randomizers.Select(r => Convert.ToHexString(r.Take())).ToArray();

        Assert.Equal(48, randomizers.Length - pool.Misses);
        Assert.Equal(120, randomizers.Distinct(ReferenceEqualityComparer.Instance).Count());
        Assert.Equal(120, values.Distinct().Count());
        Assert.Equal(0, pool.Available);
    }

    [Fact]
    public void Encrypt_RandomizerFromPoolUsedTwice_IsRefused()
    {
        using var pool = new PaillierRandomizerPool(PublicKey, capacity: 2, fillInBackground: false);
        pool.Fill(parallel: false);
        var randomizer = pool.Take();

        var first = PublicKey.Encrypt(7, randomizer);

        Assert.Equal(7, PrivateKey.Decrypt(first));
        Assert.Throws<InvalidOperationException>(() => PublicKey.Encrypt(8, randomizer));
    }

    [Theory]
    [InlineData(PaillierRandomness.ShortExponent)]
    [InlineData(PaillierRandomness.Uniform)]
    public void Encrypt_BackgroundFilledPool_RoundTripsAndAddsUp(PaillierRandomness randomness)
    {
        using var pool = new PaillierRandomizerPool(PublicKey, capacity: 6, randomness);
        Assert.True(SpinWait.SpinUntil(() => pool.Available == 6, TimeSpan.FromMinutes(2)), "The background thread filled the pool.");
        var n = PublicKey.Modulus;
        long[] values = [3, -5, 1_000_000_007, -1, 0, 12];

        var ciphertexts = values.Select(v => pool.Encrypt(v < 0 ? n + v : v)).ToArray();
        var sum = ciphertexts.Aggregate(PublicKey.Add);

        Assert.Equal(values.Select(v => (BigInteger)v), ciphertexts.Select(PrivateKey.DecryptSigned));
        Assert.Equal(values.Sum(), PrivateKey.DecryptSigned(sum));
        Assert.Equal(0, pool.Misses);
        Assert.Equal(randomness, pool.Randomness);
    }

    [Fact]
    public void Take_AfterDispose_Throws()
    {
        var pool = new PaillierRandomizerPool(PublicKey, capacity: 4);
        pool.Dispose();
        pool.Dispose();

        Assert.Throws<ObjectDisposedException>(() => pool.Take());
    }
}
