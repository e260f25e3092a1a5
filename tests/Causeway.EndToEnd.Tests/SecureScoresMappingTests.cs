using Causeway.Federation.Horizontal.Protection;
using Causeway.Privacy.SecureAggregation;
using Causeway.Protocol;
using Causeway.Protocol.Wire;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests;

/// <summary>The wire forms of an evaluation under secure aggregation: the task's flag and the masked scores request.</summary>
public sealed class SecureScoresMappingTests
{
    [Fact]
    public void MaskedScoresRequest_RoundTrips_AndBinsOrABoundOutOfRangeAreRefused()
    {
        var request = new MaskedScoresRequest(new ShareDelivery(2, [new EncryptedShare(0, 2, [1, 2, 3]), new EncryptedShare(1, 2, [4, 5])]), 1000, 715_827_882);

        var back = Assert.IsType<MaskedScoresRequest>(ProtocolMapping.FromProto(V1.ProtocolMessage.Parser.ParseFrom(ProtocolMapping.ToProto(request).ToByteArray())));

        Assert.Equal((1000, 715_827_882L, 2), (back.Bins, back.MaxCount, back.Delivery.To));
        Assert.Equal(request.Delivery.Shares.Select(s => (s.From, s.To, s.Ciphertext.Length)), back.Delivery.Shares.Select(s => (s.From, s.To, s.Ciphertext.Length)));
        foreach (var wrong in new[] { request with { Bins = 1 }, request with { MaxCount = 0 }, request with { Bins = MaskedScoresRequest.MaxBins + 1 } })
        {
            Assert.Throws<MalformedMessageException>(() => ProtocolMapping.FromProto(ProtocolMapping.ToProto(wrong)));
        }
    }

    [Fact]
    public void EvaluateTask_SecureScores_IsReadFromTheTask()
    {
        foreach (var secure in new[] { true, false })
        {
            var task = new V1.PartyTask { TaskId = "e1", Kind = V1.TaskKind.Evaluate, RunId = "r", Round = 3, TotalRounds = 5, SecureScores = secure };

            var frame = PullTaskFrame.Parse(new V1.PullTaskResponse { Task = task }.ToByteArray());

            Assert.Equal((V1.TaskKind.Evaluate, secure), (frame.Kind, frame.SecureScores));
        }
    }

    [Fact]
    public void Encode_LaysOutPositivesThenNegatives_AndRefusesACountAboveTheBound()
    {
        var request = new MaskedScoresRequest(new ShareDelivery(0, []), 4, 10);
        var scores = new Core.Metrics.ScoreHistogram([1, 0, 2, 3], [5, 0, 0, 10]);

        var (encoded, problem) = request.Encode(scores);

        Assert.Null(problem);
        Assert.Equal([1u, 0, 2, 3, 5, 0, 0, 10], encoded);
        Assert.Contains("more than the 10 examples", request.Encode(scores with { Negatives = [5, 0, 0, 11] }).Problem, StringComparison.Ordinal);
        Assert.Contains("has 2 bins", request.Encode(new Core.Metrics.ScoreHistogram([1, 1], [0, 0])).Problem, StringComparison.Ordinal);
    }
}
