using Causeway.Core.Metrics;
using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Tests.Horizontal;

/// <summary>A party channel whose every answer is scripted by the test.</summary>
internal sealed class FakeChannel(Func<PartyId, TrainTask, CancellationToken, Task<PartyReply>> train) : IPartyChannel
{
    private int _calls;

    public int Calls => _calls;

    public Func<PartyId, EvaluateTask, Evaluation?>? Evaluate { get; init; }

    public Task<PartyReply> TrainAsync(PartyId party, TrainTask task, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return train(party, task, cancellationToken);
    }

    public Task<Evaluation?> EvaluateAsync(PartyId party, EvaluateTask task, CancellationToken cancellationToken) =>
        Task.FromResult(Evaluate?.Invoke(party, task));

    /// <summary>Every party answers at once with a delta of <paramref name="value"/> in every element.</summary>
    public static FakeChannel Constant(float value, int examples = 10) => new((party, task, _) =>
    {
        var delta = new Core.Tensors.ParameterSet(task.Global.Layout);
        delta.Values.Fill(value);
        return Task.FromResult(PartyReply.Success(new PartyUpdate(party, delta, examples, 1.0)));
    });
}
