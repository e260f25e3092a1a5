using Causeway.Core.Metrics;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Party;

namespace Causeway.EndToEnd.Tests.Infrastructure;

/// <summary>A trivial party: every train task yields delta = <c>value</c> everywhere, reporting <c>trainSeconds</c> of training.</summary>
public sealed class ConstantDeltaHandler(PartyId party, float value, int examples = 10, double trainSeconds = 0) : ITaskHandler
{
    private int _trained;

    public int Trained => Volatile.Read(ref _trained);

    public DataDescription? Data => null;

    public Task<PartyReply> TrainAsync(TrainTask task, RunSetup? setup, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _trained);
        var delta = Models.Filled(task.Global.Layout, value);
        return Task.FromResult(PartyReply.Success(new PartyUpdate(party, delta, examples, 0.25, trainSeconds)));
    }

    public Task<Evaluation?> EvaluateAsync(EvaluateTask task, RunSetup? setup, CancellationToken cancellationToken) =>
        Task.FromResult<Evaluation?>(new Evaluation(examples, 0.5, Accuracy: 0.75));
}
