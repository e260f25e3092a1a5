using System.Buffers.Binary;
using Causeway.Federation.Vertical.Alignment;
using Causeway.Privacy.Psi;

namespace Causeway.Federation.Tests.Vertical.Alignment;

/// <summary>What each party receives, by mode: the only evidence of what it can learn.</summary>
public sealed class PsiModeTests
{
    [Fact]
    public void RevealToGuest_HostReceivesOnlyGuestPointsAndAnEmptyResult()
    {
        // Arrange
        var overlap = Overlap.Create(seed: 3, shared: 150, guestOnly: 120, 130);
        using var session = new PsiSession(AlignmentMode.RevealToGuest, overlap.Guest, overlap.Hosts);
        var deliveries = new List<(int Host, PsiBatch Batch)>();

        // Act
        var outcome = session.Run(deliveries);

        // Assert: the guest has its rows; the host got points and one empty result, and learned no count.
        Assert.Equal(Overlap.RowsOf(overlap.Guest, overlap.Shared), outcome.GuestRows);
        Assert.Empty(outcome.HostRows[0]);
        Assert.Null(outcome.Hosts[0].Intersection);
        var toHost = deliveries.Where(d => d.Batch.Stream is PsiStream.GuestPoints or PsiStream.Result).Select(d => d.Batch).ToList();
        var result = Assert.Single(toHost, b => b.Stream == PsiStream.Result);
        Assert.Equal(0, result.Payload.Length);
        Assert.Equal(overlap.Guest.Length * EcdhPsiCipher.PointBytes, toHost.Where(b => b.Stream == PsiStream.GuestPoints).Sum(b => b.Payload.Length));
    }

    [Fact]
    public void CardinalityOnly_BothLearnTheCountAndTheGuestGetsNoOrderToTieMatchesToRows()
    {
        // Arrange
        var overlap = Overlap.Create(seed: 4, shared: 321, guestOnly: 200, 250);
        using var session = new PsiSession(AlignmentMode.CardinalityOnly, overlap.Guest, overlap.Hosts);
        var deliveries = new List<(int Host, PsiBatch Batch)>();

        // Act
        var outcome = session.Run(deliveries);

        // Assert: counts only, no rows; every stream the guest receives comes sorted by value, not in row order.
        Assert.Equal(321, outcome.Guest.Intersection);
        Assert.Equal(321, outcome.Hosts[0].Intersection);
        Assert.Empty(outcome.GuestRows);
        Assert.Empty(outcome.HostRows[0]);
        Assert.True(IsSorted(deliveries, PsiStream.GuestTags, EcdhPsiCipher.TagBytes, keyOffset: 0));
        Assert.True(IsSorted(deliveries, PsiStream.HostPoints, EcdhPsiCipher.PointBytes, keyOffset: 1));
        var result = Assert.Single(deliveries, d => d.Batch.Stream == PsiStream.Result).Batch;
        Assert.Equal(321, BinaryPrimitives.ReadInt64LittleEndian(result.Payload.Span));
    }

    [Fact]
    public void CardinalityOnly_WithTwoHosts_IsRefused()
    {
        var settings = new AlignmentSettings(AlignmentSettings.NewSalt(), AlignmentMode.CardinalityOnly);
        var directory = Directory.CreateTempSubdirectory("causeway-psi-");

        var error = Assert.Throws<ArgumentException>(() => new PsiGuest(settings, PsiGuest.NewState(2), ["a"], directory.FullName));

        Assert.Contains("two-party", error.Message, StringComparison.Ordinal);
        directory.Delete(recursive: true);
    }

    private static bool IsSorted(List<(int Host, PsiBatch Batch)> deliveries, PsiStream stream, int width, int keyOffset)
    {
        var keys = deliveries.Where(d => d.Batch.Stream == stream)
            .SelectMany(d => Enumerable.Range(0, d.Batch.Payload.Length / width)
                .Select(i => BinaryPrimitives.ReadUInt128BigEndian(d.Batch.Payload.Span.Slice(i * width + keyOffset, 16))))
            .ToList();
        return keys.Count > 0 && keys.Zip(keys.Skip(1)).All(p => p.First < p.Second);
    }
}
