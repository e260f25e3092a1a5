using Causeway.Federation.Vertical.Alignment;
using Causeway.Privacy.Psi;

namespace Causeway.Federation.Tests.Vertical.Alignment;

/// <summary>A broken or malicious peer's batches are refused before they change any state.</summary>
public sealed class PsiPeerFaultTests
{
    [Theory]
    [InlineData(0x05, false)] // not an uncompressed-point prefix
    [InlineData(0x04, true)]  // x = 2^256 - 1, not a field element
    public void AcceptHostPoints_PointNotOnTheCurve_IsRefusedWithItsIndex(byte prefix, bool corruptX)
    {
        // Arrange: the host's genuine first batch with point 5 replaced.
        var overlap = Overlap.Create(seed: 5, shared: 40, guestOnly: 30, 50);
        using var session = new PsiSession(AlignmentMode.RevealToAll, overlap.Guest, overlap.Hosts);
        using var guest = session.NewGuest();
        using var host = session.NewHost(0);
        foreach (var batch in guest.GuestPoints())
        {
            foreach (var reply in host.AcceptGuestPoints(batch))
            {
                guest.AcceptGuestTags(0, reply);
            }
        }

        var genuine = host.HostPoints().First();
        var points = genuine.Payload.ToArray();
        points[5 * EcdhPsiCipher.PointBytes] = prefix;
        if (corruptX)
        {
            points.AsSpan(5 * EcdhPsiCipher.PointBytes + 1, 32).Fill(0xff);
        }

        // Act
        var error = Assert.Throws<InvalidPeerPointException>(() => guest.AcceptHostPoints(0, genuine with { Payload = points }));

        // Assert
        Assert.Equal(5, error.Index);
        Assert.Equal(0, guest.State.Hosts[0].HostBatches);
    }

    [Fact]
    public void AcceptGuestPoints_PointNotOnTheCurve_IsRefusedByTheHost()
    {
        using var session = new PsiSession(AlignmentMode.RevealToAll, ["a", "b", "c"], [["a"]]);
        using var guest = session.NewGuest();
        using var host = session.NewHost(0);
        var batch = guest.GuestPoints().First();
        var points = batch.Payload.ToArray();
        points[2 * EcdhPsiCipher.PointBytes] = 0x02;

        var error = Assert.Throws<InvalidPeerPointException>(() => host.AcceptGuestPoints(batch with { Payload = points }));

        Assert.Equal(2, error.Index);
        Assert.Equal(0, host.State.GuestBatchesAnswered);
    }

    [Fact]
    public void AcceptGuestTags_ShortOrOutOfOrderBatch_IsAProtocolError()
    {
        var overlap = Overlap.Create(seed: 6, shared: 150, guestOnly: 100, 10);
        using var session = new PsiSession(AlignmentMode.RevealToAll, overlap.Guest, overlap.Hosts);
        using var guest = session.NewGuest();

        var shortBatch = Assert.Throws<AlignmentProtocolException>(() => guest.AcceptGuestTags(0, new PsiBatch(PsiStream.GuestTags, 0, false, new byte[16 * 99])));
        var outOfOrder = Assert.Throws<AlignmentProtocolException>(() => guest.AcceptGuestTags(0, new PsiBatch(PsiStream.GuestTags, 1, false, new byte[16 * 100])));
        var early = Assert.Throws<AlignmentProtocolException>(() => guest.AcceptHostPoints(0, new PsiBatch(PsiStream.HostPoints, 0, true, new byte[33])));

        Assert.Contains("batches are full (100 records of 16 bytes) except the last", shortBatch.Message, StringComparison.Ordinal);
        Assert.Contains("expected GuestTags batch 0, got GuestTags batch 1", outOfOrder.Message, StringComparison.Ordinal);
        Assert.Contains("before all GuestTags", early.Message, StringComparison.Ordinal);
    }
}
