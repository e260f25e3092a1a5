using Causeway.Core.Training;
using Causeway.Protocol;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests;

/// <summary>The training plan through its wire message and bytes, DP-SGD fields included.</summary>
public sealed class TrainingPlanMappingTests
{
    private static TrainingPlan ThroughTheWire(TrainingPlan plan) =>
        ContractMapping.FromProto(V1.TrainingPlan.Parser.ParseFrom(ContractMapping.ToProto(plan).ToByteArray()));

    [Fact]
    public void RoundTrip_PlanWithDpSgd_Equal()
    {
        var plan = new TrainingPlan
        {
            Epochs = 3,
            BatchSize = 64,
            LearningRate = 0.1f,
            Optimizer = OptimizerKind.Adam,
            WeightDecay = 0.001f,
            ProximalMu = 0.01f,
            DpSgd = new DpSgd { ClipNorm = 0.75, NoiseMultiplier = 1.1 },
        };

        var decoded = ThroughTheWire(plan);

        Assert.Equal(plan, decoded);
        Assert.Equal(new DpSgd { ClipNorm = 0.75, NoiseMultiplier = 1.1 }, decoded.DpSgd);
    }

    [Fact]
    public void RoundTrip_DpSgdWithoutNoise_KeepsTheClipping()
    {
        var plan = new TrainingPlan { DpSgd = new DpSgd { ClipNorm = 2, NoiseMultiplier = 0 } };

        var message = ContractMapping.ToProto(plan);

        Assert.Equal(2, message.DpClipNorm);
        Assert.Equal(0, message.DpNoiseMultiplier);
        Assert.Equal(plan.DpSgd, ThroughTheWire(plan).DpSgd);
    }

    [Fact]
    public void RoundTrip_PlanWithoutDpSgd_ZeroFieldsAndNullBack()
    {
        var message = ContractMapping.ToProto(new TrainingPlan());

        Assert.Equal(0, message.DpClipNorm);
        Assert.Equal(0, message.DpNoiseMultiplier);
        Assert.Null(ContractMapping.FromProto(message).DpSgd);
    }

    [Theory]
    [InlineData(-1.0, 1.0, "DP-SGD clip norm")]
    [InlineData(double.NaN, 1.0, "DP-SGD clip norm")]
    [InlineData(double.PositiveInfinity, 0.0, "DP-SGD clip norm")]
    [InlineData(1.0, -1.0, "DP-SGD noise multiplier")]
    [InlineData(1.0, double.NaN, "DP-SGD noise multiplier")]
    [InlineData(0.0, 1.0, "dp_noise_multiplier")]
    [InlineData(0.0, double.NaN, "dp_noise_multiplier")]
    public void FromProto_BadDpSgdFields_MalformedNamingTheField(double clipNorm, double noiseMultiplier, string field)
    {
        var message = ContractMapping.ToProto(new TrainingPlan());
        message.DpClipNorm = clipNorm;
        message.DpNoiseMultiplier = noiseMultiplier;

        var error = Assert.Throws<MalformedMessageException>(() => ContractMapping.FromProto(message));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }
}
