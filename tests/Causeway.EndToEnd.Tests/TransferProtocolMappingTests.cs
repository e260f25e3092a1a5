using Causeway.Federation.Transfer;
using Causeway.Federation.Vertical.Network;
using Causeway.Protocol;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests;

/// <summary>The wire forms of federated transfer learning's steps: round trips, and what is refused.</summary>
public sealed class TransferProtocolMappingTests
{
    private static VerticalMessage RoundTrip(VerticalMessage message) =>
        VerticalMapping.FromProto(V1.VerticalMessage.Parser.ParseFrom(VerticalMapping.ToProto(message).ToByteArray()));

    [Fact]
    public void TransferOpenStepAndValues_RoundTrip()
    {
        var open = new TransferOpen("job~1", VerticalRole.Host, new TransferOptions { Dimension = 3, Gamma = 0.25, Epochs = 7, SourceWeight = 2, Seed = 9 }, 42, 0.3, 26);
        var step = new TransferStep("job~1", TransferStepKind.SourceMasked, 4, [0.5, -1.25], [[1, 2, 3], [4]], [[5, 6]], [7, 8, 9]);
        var values = new TransferValues([0.125], [[1], [2, 3]], [[4]], [0.9, 0.1]);

        var (openBack, stepBack, valuesBack) = ((TransferOpen)RoundTrip(open), (TransferStep)RoundTrip(step), (TransferValues)RoundTrip(values));

        Assert.Equal(open, openBack);
        Assert.Equal((step.Job, step.Kind, step.Epoch), (stepBack.Job, stepBack.Kind, stepBack.Epoch));
        Assert.Equal(step.Numbers, stepBack.Numbers);
        Assert.Equal(step.Values, stepBack.Values);
        Assert.Equal(step.Outer, stepBack.Outer);
        Assert.Equal(step.PeerKey, stepBack.PeerKey);
        Assert.Equal(values.Phi, valuesBack.Phi);
        Assert.Equal(values.Scores, valuesBack.Scores);
        Assert.Equal(values.Values, valuesBack.Values);
    }

    [Fact]
    public void TransferMessages_OutOfRange_AreRefused()
    {
        var open = VerticalMapping.ToProto(new TransferOpen("j", VerticalRole.Guest, new TransferOptions(), 42, 0.3, 0));
        var arbiter = open.Clone();
        arbiter.TransferOpen.Role = V1.VerticalRole.Arbiter;
        var small = open.Clone();
        small.TransferOpen.KeyBits = 512;
        var step = VerticalMapping.ToProto(new TransferStep("j", TransferStepKind.SourceTerms, 0, [double.NaN], [], [], []));
        var unknown = VerticalMapping.ToProto(new TransferStep("j", TransferStepKind.SourceTerms, 0, [], [], [], []));
        unknown.TransferStep.Kind = V1.VerticalTransferStepKind.VerticalTransferStepUnspecified;

        foreach (var bad in new[] { arbiter, small, step, unknown })
        {
            Assert.Throws<MalformedMessageException>(() => VerticalMapping.FromProto(bad));
        }
    }
}
