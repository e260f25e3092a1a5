using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Protection;
using Causeway.Privacy.SecureAggregation;

namespace Causeway.Federation.Tests.Horizontal.Protection;

public sealed class PartyProtectionTests
{
    private static readonly PartyId Party = new("party-a");

    private static ProtocolStep Advertise(int round) =>
        new(new RoundInfo("run", round, 10), new SecureAggregationAdvertise($"run/round-{round}", 3, 2, 4, 65536, 1, 0));

    [Fact]
    public void Handle_AdvertiseOfALaterRound_EndsTheEarlierSession()
    {
        using var protection = new PartyProtection(Party);

        Assert.NotNull(protection.Handle(Advertise(1)).Reply);
        Assert.NotNull(protection.Handle(Advertise(2)).Reply);

        Assert.Equal(1, protection.OpenSessions);
        var stale = protection.Handle(new ProtocolStep(new RoundInfo("run", 1, 10), new SecureAggregationShareKeys(new KeyDirectory([]))));
        Assert.Equal("no secure aggregation session for run 'run' round 1 (never advertised, ended or expired)", stale.Failure);
    }

    [Fact]
    public void Handle_ManyRuns_KeepsAtMostMaxSessions()
    {
        using var protection = new PartyProtection(Party);

        for (var run = 0; run < PartyProtection.MaxSessions + 5; run++)
        {
            protection.Handle(new ProtocolStep(new RoundInfo($"run-{run}", 1, 1), new SecureAggregationAdvertise($"run-{run}/round-1", 3, 2, 4, 65536, 1, 0)));
        }

        Assert.Equal(PartyProtection.MaxSessions, protection.OpenSessions);
    }

    [Fact]
    public void Handle_DecryptOfASingleUpdate_RefusedSoTheKeyHolderNeverSeesOne()
    {
        using var protection = new PartyProtection(Party);
        var round = new RoundInfo("run", 1, 1);
        var key = Assert.IsType<PaillierPublicKeyReply>(protection.Handle(new ProtocolStep(round, new PaillierKeyRequest(2048))).Reply);
        var single = protection.Protect(
            new TrainTask(round, TestData.Set(TestData.Layout(), 1, 2, 3, 4, 5, 6, 7, 8), new Core.Training.TrainingPlan(), 1) { Protection = new PaillierEncrypt(key.PublicKey) },
            PartyReply.Success(TestData.Update(0, TestData.Set(TestData.Layout(), 1, 2, 3, 4, 5, 6, 7, 8))));
        var ciphertexts = Assert.IsType<PaillierCiphertexts>(single.Protected!.Payload);

        var reply = protection.Handle(new ProtocolStep(round, ciphertexts with { Decrypt = true }));

        Assert.Equal("the key holder decrypts sums of at least 2 updates; this one claims 1", reply.Failure);
    }

    [Fact]
    public void Protect_SecAggWithoutSession_DropoutSaysWhy_AndClearsTheDelta()
    {
        using var protection = new PartyProtection(Party);
        var delta = TestData.Set(TestData.Layout(), 1, 2, 3, 4, 5, 6, 7, 8);
        var task = new TrainTask(new RoundInfo("run", 3, 10), delta.Clone(), new Core.Training.TrainingPlan(), 1)
        {
            Protection = new SecureAggregationMask(new ShareDelivery(0, [])),
        };

        var reply = protection.Protect(task, PartyReply.Success(TestData.Update(0, delta)));

        Assert.Equal(FailureKind.Dropout, reply.Failure!.Kind);
        Assert.Contains("no secure aggregation session for run 'run' round 3", reply.Failure.Reason, StringComparison.Ordinal);
        Assert.All(delta.Values.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Handle_AdvertiseOfAnotherRunOrAReusedLabel_RefusedSayingWhy()
    {
        using var protection = new PartyProtection(Party);

        var foreign = protection.Handle(new ProtocolStep(new RoundInfo("run", 1, 10), new SecureAggregationAdvertise("other-run/round-1", 3, 2, 4, 65536, 1, 0)));
        var first = protection.Handle(Advertise(1));
        var again = protection.Handle(Advertise(1));

        Assert.Equal("the secure aggregation session 'other-run/round-1' does not belong to run 'run'", foreign.Failure);
        Assert.NotNull(first.Reply);
        Assert.Equal("the secure aggregation session 'run/round-1' was already opened once; a session label is never reused", again.Failure);
    }

    [Fact]
    public void Handle_RequireAuthenticated_RefusesAnUnauthenticatedSession()
    {
        using var protection = new PartyProtection(Party) { RequireAuthenticated = true };

        var reply = protection.Handle(Advertise(1));

        Assert.Null(reply.Reply);
        Assert.Contains("authenticated secure aggregation only", reply.Failure, StringComparison.Ordinal);
    }
}
