using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Tests.Horizontal;

public sealed class ServerOptimizerTests
{
    // Two-element model w = [1, −2]; aggregated deltas Δ1 = [0.5, −1] then Δ2 = [−0.25, 2].
    private static readonly ParameterLayout Layout = new([new TensorSpec("w", [2])]);
    private static readonly float[] Start = [1f, -2f];
    private static readonly float[] Delta1 = [0.5f, -1f];
    private static readonly float[] Delta2 = [-0.25f, 2f];

    public static TheoryData<string, double[], double[]> AdaptiveCases => new()
    {
        // η = 0.1, β1 = 0.9, β2 = 0.99, τ = 0.1, m₀ = 0, v₀ = τ² = 0.01, w ← w + η·m/(√v + τ).
        // Adagrad: v1 = 0.01 + Δ1² = [0.26, 1.01]; m1 = [0.05, −0.1]; w1 = 1 + 0.1·0.05/(√0.26 + 0.1) = 1.0081980.
        //          v2 = [0.3225, 5.01]; m2 = 0.9·m1 + 0.1·Δ2 = [0.02, 0.11].
        { "adagrad", [1.0081980390271856, -2.009049875621121], [1.0111925403684978, -2.004345609178289] },

        // Adam: v1 = 0.99·0.01 + 0.01·Δ1² = [0.0124, 0.0199]; v2 = [0.012901, 0.059701].
        { "adam", [1.023656848451251, -2.041482181612787], [1.0330209084893243, -2.0095368145389094] },

        // Yogi: v0 − Δ1² < 0, so v1 = v0 + 0.01·Δ1² = [0.0125, 0.02]; v2: first element v1 − Δ2² = −0.05 < 0 → 0.013125,
        //       second v1 − 4 < 0 → 0.06.
        { "yogi", [1.023606797749979, -2.0414213562373096], [1.0329280088692725, -2.00953258189608] },
    };

    [Fact]
    public void ServerSgd_TwoSteps_AddsScaledDelta()
    {
        var optimizer = new ServerSgd(0.5f);

        var (first, second) = TwoSteps(optimizer);

        Assert.Equal([1.25f, -2.5f], first);
        Assert.Equal([1.125f, -1.5f], second);
        Assert.Null(optimizer.SaveState());
    }

    [Fact]
    public void ServerMomentum_TwoSteps_MatchesHandComputation()
    {
        var optimizer = new ServerMomentum(1f, 0.9f);

        var (first, second) = TwoSteps(optimizer);

        // v1 = Δ1, w1 = [1.5, −3]; v2 = 0.9·v1 + Δ2 = [0.2, 1.1], w2 = [1.7, −1.9].
        Assert.Equal([1.5f, -3f], first);
        Assert.Equal(1.7, second[0], 1e-6);
        Assert.Equal(-1.9, second[1], 1e-6);
        Assert.Equal(["m.w"], optimizer.SaveState()!.Layout.Tensors.Select(t => t.Name));
    }

    [Theory]
    [MemberData(nameof(AdaptiveCases))]
    public void Adaptive_TwoSteps_MatchesHandComputation(string rule, double[] expectedFirst, double[] expectedSecond)
    {
        var optimizer = Adaptive(rule);

        var (first, second) = TwoSteps(optimizer);

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(expectedFirst[i], first[i], 1e-5);
            Assert.Equal(expectedSecond[i], second[i], 1e-5);
        }
    }

    [Theory]
    [InlineData("adagrad")]
    [InlineData("adam")]
    [InlineData("yogi")]
    public void RestoreState_AfterOneStep_ContinuesLikeUninterrupted(string rule)
    {
        var uninterrupted = Adaptive(rule);
        var (_, expected) = TwoSteps(uninterrupted);
        var before = Adaptive(rule);
        var w1 = before.Step(new ParameterSet(Layout, [.. Start]), new ParameterSet(Layout, [.. Delta1]), TestData.Round(1));
        var state = before.SaveState()!;

        var after = Adaptive(rule);
        after.RestoreState(state);
        var w2 = after.Step(w1, new ParameterSet(Layout, [.. Delta2]), TestData.Round(2));

        Assert.Equal(["m.w", "v.w"], state.Layout.Tensors.Select(t => t.Name));
        Assert.Equal(expected, w2.Values.ToArray());
    }

    [Fact]
    public void RestoreState_WrongShape_Throws()
    {
        var optimizer = new FedAdam();
        var bogus = new ParameterSet(new ParameterLayout([new TensorSpec("x.w", [2]), new TensorSpec("v.w", [2])]));

        var error = Assert.Throws<ArgumentException>(() => optimizer.RestoreState(bogus));

        Assert.Contains("m.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Step_DoesNotModifyArguments()
    {
        var global = new ParameterSet(Layout, [.. Start]);
        var delta = new ParameterSet(Layout, [.. Delta1]);

        _ = new FedYogi().Step(global, delta, TestData.Round());

        Assert.Equal(Start, global.Values.ToArray());
        Assert.Equal(Delta1, delta.Values.ToArray());
    }

    private static IServerOptimizer Adaptive(string rule) => rule switch
    {
        "adagrad" => new FedAdagrad(0.1f, 0.9f, 0.99f, 0.1f),
        "adam" => new FedAdam(0.1f, 0.9f, 0.99f, 0.1f),
        _ => new FedYogi(0.1f, 0.9f, 0.99f, 0.1f),
    };

    private static (float[] First, float[] Second) TwoSteps(IServerOptimizer optimizer)
    {
        var w1 = optimizer.Step(new ParameterSet(Layout, [.. Start]), new ParameterSet(Layout, [.. Delta1]), TestData.Round(1));
        var w2 = optimizer.Step(w1, new ParameterSet(Layout, [.. Delta2]), TestData.Round(2));
        return (w1.Values.ToArray(), w2.Values.ToArray());
    }
}
