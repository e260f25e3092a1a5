using Causeway.Core.Data;
using Causeway.Federation.Vertical.FeatureBinning;
using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Tests.Vertical.FeatureBinning;

public sealed class HeteroBinningTests : IDisposable
{
    private readonly PaillierPrivateKey _key = PaillierPrivateKey.Generate(2048);

    public void Dispose() => _key.Dispose();

    [Fact]
    public void EncryptedProtocol_RandomAlignedRows_AgreesWithPlainCounts()
    {
        // Arrange: 300 aligned rows; the host's feature is binned into 5 equal-width bins and related to the label.
        var random = new Random(11);
        var feature = Enumerable.Range(0, 300).Select(_ => random.NextDouble() * 10).ToArray();
        var labels = feature.Select(x => random.NextDouble() < x / 12 ? 1f : 0f).ToArray();
        var bins = feature.Select(x => Math.Min(4, (int)(x / 2))).ToArray();
        var guest = new HeteroBinningGuest(_key);

        // Act: guest -> host (encrypted labels), host -> guest (encrypted per-bin sums), guest decrypts.
        var encrypted = guest.EncryptLabels(labels);
        var sums = HeteroBinningHost.SumPerBin(encrypted, bins, 5);
        var decrypted = guest.Decrypt(sums);
        var encryptedValue = guest.InformationValue(sums);

        // Assert
        var plain = BinLabelCounts.Count(bins, labels, 5);
        Assert.Equal(plain, decrypted);
        Assert.Equal(InformationValue.Compute(plain), encryptedValue);
        Assert.Equal(300, decrypted.Events.Sum() + decrypted.NonEvents.Sum());
        Assert.True(encryptedValue.Value > 0.3, $"IV {encryptedValue.Value} should show a strong feature.");
    }

    [Fact]
    public void Host_SeesOnlyCiphertextsThatDifferForEqualLabels()
    {
        var guest = new HeteroBinningGuest(_key);

        var encrypted = guest.EncryptLabels([1f, 1f, 0f, 0f]);

        // Fresh randomness per label: equal labels give unrelated ciphertexts, so the host cannot group rows by label.
        Assert.Equal(4, encrypted.Labels.Select(c => Convert.ToHexString(c.ToBytes())).Distinct().Count());
        Assert.Equal(_key.PublicKey, encrypted.PublicKey);
    }

    [Fact]
    public void Host_EmptyBin_SendsAnEncryptedZero()
    {
        var guest = new HeteroBinningGuest(_key);

        var sums = HeteroBinningHost.SumPerBin(guest.EncryptLabels([1f, 0f, 1f]), [0, 0, 2], 3);

        Assert.Equal([2L, 0, 1], sums.Rows);
        Assert.Equal(new BinLabelCounts([1, 0, 1], [1, 0, 0]), guest.Decrypt(sums));
    }

    [Fact]
    public void Guest_InconsistentHostAnswer_Throws()
    {
        var guest = new HeteroBinningGuest(_key);
        var sums = HeteroBinningHost.SumPerBin(guest.EncryptLabels([1f, 1f]), [0, 0], 1);

        var error = Assert.Throws<InvalidDataException>(() => guest.Decrypt(sums with { Rows = [1] }));

        Assert.Equal("Bin 0: the host's encrypted sum decrypts to 2 events among 1 rows.", error.Message);
    }

    [Fact]
    public void Host_MisalignedRows_Throws()
    {
        var guest = new HeteroBinningGuest(_key);

        Assert.Throws<ArgumentException>(() => HeteroBinningHost.SumPerBin(guest.EncryptLabels([1f, 0f]), [0], 1));
        Assert.Throws<ArgumentException>(() => guest.EncryptLabels([0.5f]));
    }
}
