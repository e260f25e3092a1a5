using Causeway.Federation.Vertical.Alignment;
using Causeway.Privacy.Psi;

namespace Causeway.Federation.Tests.Vertical.Alignment;

/// <summary>
/// A party learns nothing about IDs outside the intersection: everything it receives is encrypted under the other party's
/// key, so none of it equals a point the receiver can compute for any ID — H(x) or E_own(H(x)) — and only intersection
/// members line up after its own encryption.
/// </summary>
public sealed class PsiPrivacyTests
{
    [Fact]
    public void Run_WhatEachPartyReceives_MatchesNoPointItCanComputeForAnyId()
    {
        // Arrange
        var overlap = Overlap.Create(seed: 11, shared: 90, guestOnly: 110, 120);
        using var session = new PsiSession(AlignmentMode.RevealToAll, overlap.Guest, overlap.Hosts);
        var deliveries = new List<(int Host, PsiBatch Batch)>();
        var universe = overlap.Guest.Union(overlap.Hosts[0]).ToArray();
        var hostOnly = overlap.Hosts[0].Except(overlap.Shared).ToArray();

        // Act
        session.Run(deliveries);

        // Assert: the host's view (GuestPoints) is unrelated to H(x) and E_h(H(x)) for every ID.
        var hostSees = Points(deliveries, PsiStream.GuestPoints);
        using var identity = Cipher(One(), session);
        using var hostCipher = Cipher(session.HostStates[0].Key, session);
        using var guestCipher = Cipher(session.GuestState.Key, session);
        var hashes = Encrypt(identity, universe);
        Assert.Equal(overlap.Guest.Length, hostSees.Count);
        Assert.Empty(hostSees.Intersect(hashes));
        Assert.Empty(hostSees.Intersect(Encrypt(hostCipher, universe)));

        // The guest's view (HostPoints) is unrelated to H(x) and E_g(H(x)) for every ID...
        var guestSees = Points(deliveries, PsiStream.HostPoints);
        Assert.Equal(overlap.Hosts[0].Length, guestSees.Count);
        Assert.Empty(guestSees.Intersect(hashes));
        Assert.Empty(guestSees.Intersect(Encrypt(guestCipher, universe)));

        // ...and after the guest's encryption, exactly the shared IDs meet the tags it got back; host-only IDs meet none.
        var guestTags = deliveries.Where(d => d.Batch.Stream == PsiStream.GuestTags)
            .SelectMany(d => Records(d.Batch.Payload.ToArray(), EcdhPsiCipher.TagBytes)).ToHashSet();
        var hostOnlyDouble = Tags(guestCipher, Encrypt(hostCipher, hostOnly));
        var sharedDouble = Tags(guestCipher, Encrypt(hostCipher, overlap.Shared));
        Assert.Empty(hostOnlyDouble.Intersect(guestTags));
        Assert.Equal(overlap.Shared.Length, sharedDouble.Count(guestTags.Contains));
    }

    private static byte[] One()
    {
        var one = new byte[PsiKey.Bytes];
        one[^1] = 1;
        return one;
    }

    private static EcdhPsiCipher Cipher(byte[] key, PsiSession session)
    {
        using var psiKey = PsiKey.FromBytes(key);
        return new EcdhPsiCipher(psiKey, session.Settings.SessionSalt, 2);
    }

    private static HashSet<string> Encrypt(EcdhPsiCipher cipher, string[] ids)
    {
        var points = new byte[ids.Length * EcdhPsiCipher.PointBytes];
        cipher.HashAndEncrypt(ids, points);
        return [.. Records(points, EcdhPsiCipher.PointBytes)];
    }

    private static List<string> Tags(EcdhPsiCipher cipher, HashSet<string> points)
    {
        var packed = points.SelectMany(Convert.FromHexString).ToArray();
        var tags = new byte[points.Count * EcdhPsiCipher.TagBytes];
        cipher.EncryptToTags(packed, tags);
        return Records(tags, EcdhPsiCipher.TagBytes);
    }

    private static List<string> Points(List<(int Host, PsiBatch Batch)> deliveries, PsiStream stream) =>
        [.. deliveries.Where(d => d.Batch.Stream == stream).SelectMany(d => Records(d.Batch.Payload.ToArray(), EcdhPsiCipher.PointBytes))];

    private static List<string> Records(byte[] packed, int width) =>
        [.. Enumerable.Range(0, packed.Length / width).Select(i => Convert.ToHexString(packed, i * width, width))];
}
