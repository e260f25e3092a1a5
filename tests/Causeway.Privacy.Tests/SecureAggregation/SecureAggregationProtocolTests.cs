using System.Collections;
using System.Reflection;
using Causeway.Privacy.SecureAggregation;

namespace Causeway.Privacy.Tests.SecureAggregation;

public sealed class SecureAggregationProtocolTests
{
    [Theory]
    [InlineData(5, 3)]
    [InlineData(20, 11)]
    public void Finish_NoDropouts_EqualsPlainRingSum(int parties, int threshold)
    {
        const int length = 1000;
        var inputs = SecureAggregationHarness.RandomInputs(parties, length, seed: parties);
        using var harness = new SecureAggregationHarness(SecureAggregationHarness.CreateOptions(parties, threshold, length));

        var result = harness.Run(inputs);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(Enumerable.Range(0, parties), result.Included);
        Assert.Equal(SecureAggregationHarness.RingSum(inputs, length), result.Sum);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Finish_DropoutsAfterMaskedInput_StillEqualsRingSumOfAllInputs(int dropouts)
    {
        const int parties = 20;
        const int length = 500;
        var inputs = SecureAggregationHarness.RandomInputs(parties, length, seed: 100 + dropouts);
        using var harness = new SecureAggregationHarness(SecureAggregationHarness.CreateOptions(parties, 11, length));
        var dropped = Enumerable.Range(0, dropouts).Select(k => (k * 7) + 1).ToArray();

        var result = harness.Run(inputs, dropAfterInput: dropped);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(parties, result.Included.Count);
        Assert.Equal(SecureAggregationHarness.RingSum(inputs, length), result.Sum);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Finish_DropoutsBeforeMaskedInput_EqualsRingSumOfSurvivors(int dropouts)
    {
        const int parties = 20;
        const int length = 500;
        var inputs = SecureAggregationHarness.RandomInputs(parties, length, seed: 200 + dropouts);
        using var harness = new SecureAggregationHarness(SecureAggregationHarness.CreateOptions(parties, 11, length));
        var dropped = Enumerable.Range(0, dropouts).Select(k => (k * 6) + 2).ToHashSet();

        var result = harness.Run(inputs, dropBeforeInput: dropped);

        var survivors = Enumerable.Range(0, parties).Where(p => !dropped.Contains(p)).ToArray();
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(survivors, result.Included);
        Assert.Equal(SecureAggregationHarness.RingSum(survivors.Select(p => inputs[p]), length), result.Sum);
        Assert.NotEqual(SecureAggregationHarness.RingSum(inputs, length), result.Sum);
    }

    [Fact]
    public void Finish_BothKindsOfDropouts_EqualsRingSumOfIncluded()
    {
        const int parties = 12;
        const int length = 300;
        var inputs = SecureAggregationHarness.RandomInputs(parties, length, seed: 5);
        using var harness = new SecureAggregationHarness(SecureAggregationHarness.CreateOptions(parties, 7, length));

        var result = harness.Run(inputs, dropBeforeInput: [0, 11], dropAfterInput: [3, 4, 5]);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(SecureAggregationHarness.RingSum(result.Included.Select(p => inputs[p]), length), result.Sum);
        Assert.Equal(10, result.Included.Count);
    }

    [Fact]
    public void Finish_FewerThanThresholdAnswerUnmasking_FailsWithThresholdError()
    {
        var inputs = SecureAggregationHarness.RandomInputs(5, 64, seed: 1);
        using var harness = new SecureAggregationHarness(SecureAggregationHarness.CreateOptions(5, 3, 64));

        var result = harness.Run(inputs, dropAfterInput: [0, 2, 4]);

        Assert.False(result.Succeeded);
        Assert.Null(result.Sum);
        Assert.Contains("Only 2 parties answered the unmasking round", result.Error, StringComparison.Ordinal);
        Assert.Contains("t = 3", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void CloseInputCollection_FewerThanThresholdInputs_FailsWithThresholdError()
    {
        var inputs = SecureAggregationHarness.RandomInputs(5, 64, seed: 2);
        using var harness = new SecureAggregationHarness(SecureAggregationHarness.CreateOptions(5, 3, 64));

        var result = harness.Run(inputs, dropBeforeInput: [1, 2, 3]);

        Assert.False(result.Succeeded);
        Assert.Contains("Only 2 parties sent masked inputs", result.Error, StringComparison.Ordinal);
        Assert.Equal(SecureAggregationRound.Completed, harness.Server.Round);
    }

    [Fact]
    public void Finish_FloatInputs_DequantisedSumWithinRoundingBound()
    {
        const int parties = 8;
        const int length = 2000;
        var options = SecureAggregationHarness.CreateOptions(parties, 5, length);
        var random = new Random(9);
        var floats = Enumerable.Range(0, parties).Select(_ => Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2.4) - 1.2)).ToArray()).ToArray();
        using var harness = new SecureAggregationHarness(options);
        var quantised = floats.Select(f =>
        {
            var q = new uint[length];
            options.Quantization.Quantize(f, q);
            return q;
        }).ToArray();

        var result = harness.Run(quantised);
        var decoded = new double[length];
        options.Quantization.Dequantize(result.Sum, decoded);

        var bound = parties * 0.5 / options.Quantization.Scale;
        for (var i = 0; i < length; i++)
        {
            var expected = floats.Sum(f => Math.Clamp((double)f[i], -1, 1));
            Assert.InRange(decoded[i] - expected, -bound - 1e-9, bound + 1e-9);
        }
    }

    [Fact]
    public void Server_AfterSession_HeldOnlyMaskedVectorsAndSealedShares()
    {
        const int parties = 6;
        const int length = 4096;
        var inputs = SecureAggregationHarness.RandomInputs(parties, length, seed: 3);
        using var harness = new SecureAggregationHarness(SecureAggregationHarness.CreateOptions(parties, 4, length));

        var result = harness.Run(inputs, dropBeforeInput: [5], dropAfterInput: [2]);

        Assert.True(result.Succeeded, result.Error);
        // Every vector the server received differs from the sender's input almost everywhere (a uniform mask matches with probability 2^-32).
        var masked = harness.ServerInbox.OfType<MaskedInput>().ToArray();
        Assert.Equal(5, masked.Length);
        foreach (var message in masked)
        {
            Assert.True(Matches(message.Values, inputs[message.Party]) <= 2, $"party {message.Party}'s masked input matches its input");
        }

        // Shares reach the server only sealed: from ‖ to ‖ 5 + 5 field elements, plus the 16-byte GCM tag.
        Assert.All(harness.ServerInbox.OfType<ShareBundle>().SelectMany(b => b.Shares), s =>
        {
            Assert.Equal(8 + (2 * 8 * 5) + 16, s.Ciphertext.Length);
            Assert.NotEqual([.. BitConverter.GetBytes(s.From), .. BitConverter.GetBytes(s.To)], s.Ciphertext[..8]);
        });

        // The server's own state: no uint[] anywhere in it equals (or nearly equals) an individual input or an individual masked input.
        var held = new List<uint[]>();
        Collect(harness.Server, held, depth: 0);
        Assert.NotEmpty(held);
        foreach (var vector in held)
        {
            foreach (var input in inputs)
            {
                Assert.True(Matches(vector, input) <= 2, "the server holds an individual input");
            }
        }
    }

    [Fact]
    public void MaskInput_TamperedShare_RefusedWithAuthenticationError()
    {
        var inputs = SecureAggregationHarness.RandomInputs(4, 16, seed: 4);
        using var harness = new SecureAggregationHarness(SecureAggregationHarness.CreateOptions(4, 3, 16))
        {
            DeliveryFilter = d => d.To != 2 ? d : d with
            {
                Shares = [.. d.Shares.Select(s => s.From != 0 ? s : s with { Ciphertext = Flip(s.Ciphertext, 20) })],
            },
        };

        var error = Assert.Throws<SecureAggregationException>(() => harness.Run(inputs));

        Assert.Contains("Party 2 refused the share from party 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("AES-GCM authentication", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaskInput_ShareRedirectedToAnotherParty_Refused()
    {
        var inputs = SecureAggregationHarness.RandomInputs(4, 16, seed: 5);
        EncryptedShare? stolen = null;
        using var harness = new SecureAggregationHarness(SecureAggregationHarness.CreateOptions(4, 3, 16))
        {
            // The server re-labels the share 0 → 1 as 0 → 3 and hands it to party 3 instead of 0's real share.
            DeliveryFilter = d =>
            {
                if (d.To == 1)
                {
                    stolen = d.Shares.Single(s => s.From == 0);
                    return d;
                }

                return d.To != 3 ? d : d with { Shares = [.. d.Shares.Select(s => s.From != 0 ? s : stolen! with { To = 3 })] };
            },
        };

        var error = Assert.Throws<SecureAggregationException>(() => harness.Run(inputs));

        Assert.Contains("Party 3 refused the share from party 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaskInput_ForgedShare_Refused()
    {
        var inputs = SecureAggregationHarness.RandomInputs(4, 16, seed: 6);
        using var harness = new SecureAggregationHarness(SecureAggregationHarness.CreateOptions(4, 3, 16))
        {
            DeliveryFilter = d => d.To != 1 ? d : d with
            {
                Shares = [.. d.Shares.Select(s => s.From != 3 ? s : s with { Ciphertext = new byte[s.Ciphertext.Length] })],
            },
        };

        var error = Assert.Throws<SecureAggregationException>(() => harness.Run(inputs));

        Assert.Contains("Party 1 refused the share from party 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unmask_RequestWithFewerThanThresholdSurvivors_Refused()
    {
        using var harness = new SecureAggregationHarness(SecureAggregationHarness.CreateOptions(4, 3, 8));
        var parties = harness.Parties;
        var directory = new KeyDirectory([.. parties.Select(p => p.Advertise())]);
        var bundles = parties.Select(p => p.ShareKeys(directory)).ToArray();
        foreach (var party in parties)
        {
            party.MaskInput(new ShareDelivery(party.Index, [.. bundles.SelectMany(b => b.Shares).Where(s => s.To == party.Index)]), new uint[8]);
        }

        // A curious server asks for b-shares of only two parties, hoping to isolate them.
        var error = Assert.Throws<SecureAggregationException>(() => parties[0].Unmask(new UnmaskingRequest([0, 1])));

        Assert.Contains("fewer than the threshold 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Receive_MaskedInputTwice_Refused()
    {
        using var harness = new SecureAggregationHarness(SecureAggregationHarness.CreateOptions(3, 2, 8));
        var server = harness.Server;
        foreach (var party in harness.Parties)
        {
            server.Receive(party.Advertise());
        }

        var directory = server.CloseAdvertising()!;
        foreach (var party in harness.Parties)
        {
            server.Receive(party.ShareKeys(directory));
        }

        var delivery = server.CloseSharing()!.Single(d => d.To == 0);
        var masked = harness.Parties[0].MaskInput(delivery, new uint[8]);
        server.Receive(masked);

        Assert.Throws<SecureAggregationException>(() => server.Receive(masked));
    }

    private static int Matches(uint[] a, uint[] b)
    {
        if (a.Length != b.Length)
        {
            return 0;
        }

        var count = 0;
        for (var i = 0; i < a.Length; i++)
        {
            count += a[i] == b[i] ? 1 : 0;
        }

        return count;
    }

    private static byte[] Flip(byte[] bytes, int index)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] ^= 0x01;
        return copy;
    }

    private static void Collect(object? value, List<uint[]> held, int depth)
    {
        if (value is null || depth > 4 || value is string || value.GetType().IsPrimitive)
        {
            return;
        }

        if (value is uint[] vector)
        {
            held.Add(vector);
            return;
        }

        if (value is IEnumerable sequence)
        {
            foreach (var item in sequence)
            {
                Collect(item, held, depth + 1);
            }

            return;
        }

        if (value.GetType().Namespace?.StartsWith("Causeway", StringComparison.Ordinal) != true
            && !value.GetType().Name.StartsWith("KeyValuePair", StringComparison.Ordinal))
        {
            return;
        }

        foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            Collect(field.GetValue(value), held, depth + 1);
        }
    }
}
