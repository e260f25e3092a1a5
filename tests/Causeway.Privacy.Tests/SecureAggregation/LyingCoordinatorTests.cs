using System.Security.Cryptography;
using Causeway.Privacy.SecureAggregation;

namespace Causeway.Privacy.Tests.SecureAggregation;

/// <summary>
/// Authenticated sessions against a coordinator that lies (Bonawitz et al. 2017, §4's active adversary): the tests play
/// that coordinator and assert both that the parties abort naming the cause and that the coordinator never holds t
/// shares of both secrets of one honest party.
/// </summary>
public sealed class LyingCoordinatorTests
{
    // N = 30 on a Harary graph of degree 10: neighbourhoods of 11, threshold 7 (2t = 14 > 11).
    private const int Parties = 30;
    private const int Degree = 10;
    private const int Threshold = 7;
    private const int Length = 16;

    [Fact]
    public void HonestCoordinator_AuthenticatedSession_ExactSum()
    {
        using var harness = new SecureAggregationHarness(Options());
        var inputs = SecureAggregationHarness.RandomInputs(Parties, Length, seed: 1);

        var result = harness.Run(inputs, new Dictionary<int, DropPhase> { [3] = DropPhase.BeforeInput, [8] = DropPhase.BeforeConsistency, [20] = DropPhase.BeforeUnmask });

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(SecureAggregationHarness.RingSum(inputs.Where((_, i) => i != 3), Length), result.Sum);
        Assert.All(harness.ServerInbox.OfType<AdvertisedKeys>(), k => Assert.Equal(64, k.Signature!.Length));
    }

    [Fact]
    public void SubstitutedKey_InTheDirectory_IsRefused_NamingTheParty()
    {
        using var impostor = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var q = impostor.ExportParameters(false).Q;
        byte[] fake = [.. q.X!, .. q.Y!];
        var victim = 0;
        var neighbour = 0;
        using var harness = new SecureAggregationHarness(Options())
        {
            // A man in the middle: the coordinator hands party `victim` its own mask key in place of a neighbour's.
            DirectoryFilter = (party, directory) => party != victim ? directory : directory with
            {
                Keys = [.. directory.Keys.Select(k => k.Party != neighbour ? k : k with { MaskPublicKey = fake })],
            },
        };
        neighbour = harness.Graph.Neighbours(victim)[0];

        var error = Assert.Throws<SecureAggregationException>(() => harness.Run(SecureAggregationHarness.RandomInputs(Parties, Length, seed: 2)));

        Assert.Contains($"keys for party {neighbour} that party {neighbour} did not sign", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Party {victim} aborts", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    public void Equivocation_AboutWhoDropped_IsDetected_AndNeverYieldsBothSecrets(int told)
    {
        // Every party sends its input. The coordinator wants party `victim`'s input alone: it needs t b-shares (the
        // self-mask) and t c_sk-shares (the pairwise masks). It tells `told` members of the victim's neighbourhood that
        // the victim dropped and the others that it survived, in the consistency round and again at unmasking.
        var session = Begin(seed: 3);
        var victim = 5;
        var neighbourhood = session.Harness.Graph.Neighbourhood(victim).Where(p => p != victim).ToArray();
        var liedTo = neighbourhood.Take(told).ToHashSet();
        UnmaskingRequest ViewFor(int party, UnmaskingRequest truth) =>
            liedTo.Contains(party) ? truth with { Survivors = [.. truth.Survivors.Where(s => s != victim)] } : truth;

        var signatures = session.Survivors.Survivors
            .Select(p => session.Harness.Parties[p].ConfirmSurvivors(ViewFor(p, session.Survivors.For(session.Harness.Graph, p))))
            .ToArray();
        var refusals = new Dictionary<int, string>();
        var responses = new List<UnmaskingResponse>();
        foreach (var party in session.Survivors.Survivors)
        {
            var request = ViewFor(party, new UnmaskingRequest(session.Survivors.Survivors, signatures).For(session.Harness.Graph, party));
            try
            {
                responses.Add(session.Harness.Parties[party].Unmask(request));
            }
            catch (SecureAggregationException e)
            {
                refusals[party] = e.Message;
            }
        }

        // The side with fewer than t signatures on its verdict refuses, and says why.
        var lieSide = liedTo.Count;
        var truthSide = neighbourhood.Length + 1 - liedTo.Count;
        var refusing = lieSide < Threshold ? liedTo : [.. neighbourhood.Where(p => !liedTo.Contains(p)).Append(victim)];
        Assert.True(lieSide < Threshold || truthSide < Threshold);
        Assert.All(refusing, p => Assert.Contains(p, refusals.Keys));
        Assert.Contains(refusals.Values, m => m.Contains($"members of party {victim}'s neighbourhood signed", StringComparison.Ordinal)
            && m.Contains("telling parties different stories about who dropped", StringComparison.Ordinal));

        // Whatever the split, the coordinator never holds t shares of both of the victim's secrets.
        var seedShares = responses.Count(r => r.Shares.Any(s => s.Owner == victim && s.Kind == SecretKind.SelfMaskSeed));
        var keyShares = responses.Count(r => r.Shares.Any(s => s.Owner == victim && s.Kind == SecretKind.MaskPrivateKey));
        Assert.True(Math.Min(seedShares, keyShares) < Threshold, $"b-shares {seedShares}, c_sk-shares {keyShares}");
        Assert.True(seedShares + keyShares > 0 || refusals.Count >= neighbourhood.Length);
        session.Harness.Dispose();
    }

    [Fact]
    public void SurvivorList_ChangedAfterSigning_IsRefused()
    {
        var session = Begin(seed: 4);
        var signatures = session.Survivors.Survivors
            .Select(p => session.Harness.Parties[p].ConfirmSurvivors(session.Survivors.For(session.Harness.Graph, p)))
            .ToArray();
        var party = 0;
        var dropped = session.Harness.Graph.Neighbours(party)[2];
        var request = new UnmaskingRequest([.. session.Survivors.Survivors.Where(s => s != dropped)], signatures).For(session.Harness.Graph, party);

        var error = Assert.Throws<SecureAggregationException>(() => session.Harness.Parties[party].Unmask(request));

        Assert.Contains("changed the survivor list between the consistency round and unmasking", error.Message, StringComparison.Ordinal);
        session.Harness.Dispose();
    }

    [Fact]
    public void ForgedOrMissingSignatures_AreRefused()
    {
        var session = Begin(seed: 5);
        var signatures = session.Survivors.Survivors
            .Select(p => session.Harness.Parties[p].ConfirmSurvivors(session.Survivors.For(session.Harness.Graph, p)))
            .ToArray();
        var forger = session.Harness.Graph.Neighbours(0)[1];
        var forged = signatures.Select(s => s.Party != forger ? s : s with { Signature = [.. s.Signature.Select((b, i) => i == 10 ? (byte)(b ^ 1) : b)] }).ToArray();

        var error = Assert.Throws<SecureAggregationException>(
            () => session.Harness.Parties[0].Unmask(new UnmaskingRequest(session.Survivors.Survivors, forged).For(session.Harness.Graph, 0)));
        var missing = Assert.Throws<SecureAggregationException>(
            () => session.Harness.Parties[1].Unmask(new UnmaskingRequest(session.Survivors.Survivors)));

        Assert.Contains($"signature of party {forger} does not verify", error.Message, StringComparison.Ordinal);
        Assert.Contains("carries no survivor signatures", missing.Message, StringComparison.Ordinal);
        session.Harness.Dispose();
    }

    private static SecureAggregationOptions Options() =>
        SecureAggregationHarness.CreateOptions(Parties, Threshold, Length, Degree, authenticated: true);

    // Runs an honest session up to the consistency round; the test then plays the coordinator.
    private static (SecureAggregationHarness Harness, UnmaskingRequest Survivors) Begin(int seed)
    {
        var harness = new SecureAggregationHarness(Options());
        var inputs = SecureAggregationHarness.RandomInputs(Parties, Length, seed);
        foreach (var party in harness.Parties)
        {
            harness.Server.Receive(party.Advertise());
        }

        var directory = harness.Server.CloseAdvertising()!;
        foreach (var party in harness.Parties)
        {
            harness.Server.Receive(party.ShareKeys(directory.For(harness.Graph, party.Index)));
        }

        foreach (var delivery in harness.Server.CloseSharing()!)
        {
            harness.Server.Receive(harness.Parties[delivery.To].MaskInput(delivery, inputs[delivery.To]));
        }

        return (harness, harness.Server.CloseInputCollection()!);
    }
}
