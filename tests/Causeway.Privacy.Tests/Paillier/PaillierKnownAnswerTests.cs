using Causeway.Privacy.BigIntegers;
using Causeway.Privacy.Paillier;

namespace Causeway.Privacy.Tests.Paillier;

public sealed class PaillierKnownAnswerTests
{
    public static TheoryData<string> Backends() => BigIntegerBackend.TryCreateGmp() is null ? ["managed"] : ["managed", "gmp"];

    [Theory]
    [MemberData(nameof(Backends))]
    public void Encrypt_FixedPQR_MatchesIndependentlyComputedCiphertext(string backend)
    {
        using var key = PaillierPrivateKey.FromPrimes(KnownAnswer.P, KnownAnswer.Q, Backend(backend));

        var c = key.PublicKey.Encrypt(KnownAnswer.Plaintext, KnownAnswer.R);
        var negative = key.PublicKey.Encrypt(KnownAnswer.N - 42, KnownAnswer.R);

        Assert.Equal(KnownAnswer.Bytes(KnownAnswer.Ciphertext, 256 * 2), c.ToBytes());
        Assert.Equal(KnownAnswer.Bytes(KnownAnswer.CiphertextOfMinus42, 256 * 2), negative.ToBytes());
        Assert.Equal(KnownAnswer.Plaintext, key.Decrypt(c));
        Assert.Equal(-42, key.DecryptSigned(negative));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Decrypt_IndependentCiphertextSum_GivesPlaintextSum(string backend)
    {
        using var key = PaillierPrivateKey.FromPrimes(KnownAnswer.P, KnownAnswer.Q, Backend(backend));
        var a = key.PublicKey.CiphertextFromBytes(KnownAnswer.Bytes(KnownAnswer.Ciphertext, key.PublicKey.CiphertextLength));
        var b = key.PublicKey.CiphertextFromBytes(KnownAnswer.Bytes(KnownAnswer.CiphertextOfMinus42, key.PublicKey.CiphertextLength));

        var sum = key.DecryptSigned(key.PublicKey.Add(a, b));

        Assert.Equal(KnownAnswer.Plaintext - 42, sum);
    }

    [Fact]
    public void Backends_SameInputs_ProduceIdenticalBytes()
    {
        if (BigIntegerBackend.TryCreateGmp() is null)
        {
            return; // No libgmp.so.10 on this machine: only the managed backend exists (the known-answer theory still covers it).
        }

        using var gmp = PaillierPrivateKey.FromPrimes(KnownAnswer.P, KnownAnswer.Q, Backend("gmp"));
        using var managed = PaillierPrivateKey.FromPrimes(KnownAnswer.P, KnownAnswer.Q, Backend("managed"));
        var r2 = System.Numerics.BigInteger.ModPow(5, 77777, KnownAnswer.N);

        (byte[] Sum, byte[] Shifted, System.Numerics.BigInteger Decrypted) Run(PaillierPrivateKey key)
        {
            var a = key.PublicKey.Encrypt(KnownAnswer.N - 1_000_000, KnownAnswer.R);
            var b = key.PublicKey.Encrypt(999_999, r2);
            var sum = key.PublicKey.Add(a, b);
            var shifted = key.PublicKey.AddPlaintext(sum, -5);
            return (sum.ToBytes(), shifted.ToBytes(), key.DecryptSigned(shifted));
        }

        var fromGmp = Run(gmp);
        var fromManaged = Run(managed);

        Assert.Equal(fromManaged.Sum, fromGmp.Sum);
        Assert.Equal(fromManaged.Shifted, fromGmp.Shifted);
        Assert.Equal(-6, fromGmp.Decrypted);
        Assert.Equal(-6, fromManaged.Decrypted);
        Assert.Equal("managed", managed.PublicKey.BackendName);
        Assert.Equal("gmp", gmp.PublicKey.BackendName);
    }

    [Fact]
    public void Backends_CrossDecryption_PackedVectorRoundTrips()
    {
        if (BigIntegerBackend.TryCreateGmp() is null)
        {
            return; // No libgmp.so.10 on this machine: only the managed backend exists (the known-answer theory still covers it).
        }

        using var gmp = PaillierPrivateKey.FromPrimes(KnownAnswer.P, KnownAnswer.Q, Backend("gmp"));
        using var managed = PaillierPrivateKey.FromPrimes(KnownAnswer.P, KnownAnswer.Q, Backend("managed"));
        float[] values = [1.5f, -2.25f, 0f, 0.0009765625f, -16383.5f]; // multiples of 2^-32: exact under the default encoding

        var encrypted = EncryptedVector.Encrypt(managed.PublicKey, values);
        var fromGmp = new float[values.Length];
        var fromManaged = new float[values.Length];
        encrypted.Decrypt(gmp, fromGmp);
        encrypted.Decrypt(managed, fromManaged);

        Assert.Equal(values, fromGmp);
        Assert.Equal(values, fromManaged);
    }

    [Fact]
    public void DefaultBackend_OnThisMachine_IsGmpWhenTheLibraryLoads()
    {
        var expected = BigIntegerBackend.TryCreateGmp() is null ? "managed" : "gmp";

        Assert.Equal(expected, PaillierRuntime.Backend);
    }

    [Fact]
    public void GenerateUnchecked_ManagedBackend_SmallKeyRoundTrips()
    {
        // The managed prime search (trial division + Miller-Rabin) on a test-only 512-bit key, to keep the test fast.
        using var key = PaillierPrivateKey.GenerateUnchecked(512, BigIntegerBackend.Managed);

        var sum = key.PublicKey.Add(key.PublicKey.Encrypt(key.PublicKey.Modulus - 5), key.PublicKey.Encrypt(3));

        Assert.Equal(512, key.PublicKey.Bits);
        Assert.Equal("managed", key.PublicKey.BackendName);
        Assert.Equal(-2, key.DecryptSigned(sum));
    }

    private static BigIntegerBackend Backend(string name) =>
        name == "gmp" ? BigIntegerBackend.TryCreateGmp()! : BigIntegerBackend.Managed;
}
