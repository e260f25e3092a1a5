using Causeway.Core.Tensors;
using Causeway.Privacy.Paillier;

namespace Causeway.Privacy.Tests.Paillier;

public sealed class EncryptedVectorTests(PaillierKeyFixture fixture) : IClassFixture<PaillierKeyFixture>
{
    private static readonly FixedPointEncoding Encoding = FixedPointEncoding.Default;

    [Fact]
    public void FromCiphertexts_ReceivedSum_DecryptsLikeTheSenderSum()
    {
        var a = EncryptedVector.Encrypt(fixture.PublicKey, [1.5f, -2.25f, 3f]);
        var b = EncryptedVector.Encrypt(fixture.PublicKey, [0.5f, 0.25f, -1f]);
        var sum = a.Add(b);
        var wire = sum.Ciphertexts.Select(c => fixture.PublicKey.CiphertextFromBytes(c.ToBytes())).ToList();

        var received = EncryptedVector.FromCiphertexts(fixture.PublicKey, wire, 3, summands: 2);
        var values = new double[3];
        received.Decrypt(fixture.PrivateKey, values);

        Assert.Equal([2.0, -2.0, 2.0], values);
        Assert.Equal(2, received.Summands);
    }

    [Fact]
    public void FromCiphertexts_CountDoesNotFitTheLength_Refused()
    {
        var vector = EncryptedVector.Encrypt(fixture.PublicKey, [1f, 2f]);

        var e = Assert.Throws<ArgumentException>(() => EncryptedVector.FromCiphertexts(fixture.PublicKey, [.. vector.Ciphertexts, .. vector.Ciphertexts], 2, 1));

        Assert.Contains("2 values packed 31 per ciphertext take 1 ciphertexts; got 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SumOfUpdates_PackedAndUnpacked_EqualTheQuantisedPlainSum()
    {
        // Arrange: 4 parties, 40 values each (two packed ciphertexts: 31 + 9 slots), signs mixed, zeros included.
        var random = new Random(20261122);
        var updates = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 40).Select(i => i % 7 == 0 ? 0f : (float)((random.NextDouble() - 0.5) * 200)).ToArray()).ToArray();
        var expected = new double[40];
        foreach (var update in updates)
        {
            for (var i = 0; i < update.Length; i++)
            {
                expected[i] += Encoding.Encode(update[i]) * Encoding.Resolution;
            }
        }

        // Act
        var packed = EncryptedVector.Sum([.. updates.Select(u => EncryptedVector.Encrypt(fixture.PublicKey, u))]);
        var unpacked = EncryptedVector.Sum([.. updates.Select(u => EncryptedVector.Encrypt(fixture.PublicKey, u, pack: false))]);
        var fromPacked = new double[40];
        var fromUnpacked = new double[40];
        packed.Decrypt(fixture.PrivateKey, fromPacked);
        unpacked.Decrypt(fixture.PrivateKey, fromUnpacked);

        // Assert: fixed-point sums are exact integers, so both equal the quantised sum bit for bit.
        Assert.Equal(31, packed.SlotsPerCiphertext);
        Assert.Equal(2, packed.Ciphertexts.Count);
        Assert.Equal(40, unpacked.Ciphertexts.Count);
        Assert.Equal(4, packed.Summands);
        Assert.Equal(expected, fromPacked);
        Assert.Equal(fromUnpacked, fromPacked);
    }

    [Fact]
    public void Decrypt_Floats_WithinHalfAResolutionStepOfInput()
    {
        float[] values = [0.1f, -0.1f, 3.14159f, -1234.567f, 1e-9f, 16383.99f, -16383.99f];

        var encrypted = EncryptedVector.Encrypt(fixture.PublicKey, values);
        var decrypted = new double[values.Length];
        encrypted.Decrypt(fixture.PrivateKey, decrypted);

        for (var i = 0; i < values.Length; i++)
        {
            Assert.InRange(decrypted[i] - values[i], -Encoding.Resolution / 2, Encoding.Resolution / 2);
        }
    }

    [Fact]
    public void AddPlaintext_PackedVector_AddsEverySlot()
    {
        float[] values = [1f, -2f, 0f, 4.5f];
        float[] shift = [-1f, -1f, 0.25f, -10f];

        var result = new float[4];
        EncryptedVector.Encrypt(fixture.PublicKey, values).AddPlaintext(shift).Decrypt(fixture.PrivateKey, result);

        Assert.Equal([0f, -3f, 0.25f, -5.5f], result);
    }

    [Fact]
    public void Add_BeyondHeadroom_IsRefusedBeforeEncryption()
    {
        var tight = Encoding with { HeadroomBits = 1 };
        var a = EncryptedVector.Encrypt(fixture.PublicKey, [1f], tight);
        var two = a.Add(a);

        var e = Assert.Throws<InvalidOperationException>(() => two.Add(a));

        Assert.Contains("allows 2", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Decrypt_SumBeyondCapacity_RaisesOverflow(bool pack)
    {
        // Arrange: headroom for 2 summands; then 4 near-maximal values summed with raw ciphertext additions, which bypass the count.
        var tight = Encoding with { HeadroomBits = 1 };
        var key = fixture.PublicKey;
        var near = (float)(tight.MaxMagnitude - 1);
        float[] values = [near, -near, 1f];
        var vector = EncryptedVector.Encrypt(key, values, tight, pack);
        var slots = vector.SlotsPerCiphertext;
        var first = key.Add(key.Add(vector.Ciphertexts[0], vector.Ciphertexts[0]), key.Add(vector.Ciphertexts[0], vector.Ciphertexts[0]));

        // Act
        var plaintext = fixture.PrivateKey.Decrypt(first);
        var e = Assert.Throws<OverflowException>(() => tight.Unpack(plaintext, key.Modulus, new long[Math.Min(slots, values.Length)]));

        // Assert
        Assert.Contains("beyond the encodable range", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decrypt_PlaintextFarOutsideTheSlots_RaisesOverflow()
    {
        var key = fixture.PublicKey;
        var huge = fixture.PrivateKey.Decrypt(key.Encrypt(key.Modulus / 3));

        Assert.Throws<OverflowException>(() => Encoding.Unpack(huge, key.Modulus, new long[Encoding.SlotsPerCiphertext(key)]));
        Assert.Throws<OverflowException>(() => Encoding.Unpack(huge, key.Modulus, new long[1]));
    }

    [Fact]
    public void Add_DifferentLengths_IsRefused()
    {
        var a = EncryptedVector.Encrypt(fixture.PublicKey, [1f, 2f]);
        var b = EncryptedVector.Encrypt(fixture.PublicKey, [1f]);

        Assert.Throws<ArgumentException>(() => a.Add(b));
    }

    [Fact]
    public void ParameterSets_EncryptSumDecrypt_GiveTheSumOfUpdates()
    {
        var layout = new ParameterLayout([new TensorSpec("w", [2, 3]), new TensorSpec("b", [3])]);
        var a = new ParameterSet(layout, [1f, -2f, 3.5f, 0f, 0.25f, -0.125f, 10f, -10f, 2f]);
        var b = new ParameterSet(layout, [-1f, 2f, 0.5f, 0f, 0.75f, 0.125f, 5f, -5f, -2f]);

        var sum = EncryptedVector.Encrypt(fixture.PublicKey, a.Values).Add(EncryptedVector.Encrypt(fixture.PublicKey, b.Values));
        var result = new ParameterSet(layout);
        sum.Decrypt(fixture.PrivateKey, result.Values);

        Assert.Equal([0f, 0f, 4f, 0f, 1f, 0f, 15f, -15f, 0f], result.Values.ToArray());
    }
}
