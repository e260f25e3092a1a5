using Causeway.Core.Models;
using Causeway.Core.Training;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Simulation;

namespace Causeway.Federation.Tests.Simulation;

public sealed class InMemoryPartyChannelTests
{
    private static readonly ModelSpec Spec = ModelSpec.LogisticRegression(10);

    [Fact]
    public async Task TrainAsync_TwoHundredParties_NetworksPerWorkerNotPerParty()
    {
        var data = Synthetic.Logistic(2000, 10, seed: 1);
        var trainers = Enumerable.Range(0, 200)
            .Select(i => new PartyTrainer(TestData.Party(i), Spec, data.Select(Enumerable.Range(i * 10, 10).ToArray())))
            .ToList();
        using var channel = new InMemoryPartyChannel(trainers, maxParallelism: 2);
        var task = new TrainTask(TestData.Round(), new DenseNetwork(Spec).Initialize(1), new TrainingPlan(), 9);

        var replies = await Task.WhenAll(trainers.Select(t => channel.TrainAsync(t.Party, task, CancellationToken.None)));

        Assert.All(replies, r => Assert.Equal(10, r.Update!.Examples));
        Assert.InRange(channel.NetworksCreated, 1, 2);
        Assert.Equal(trainers[7].Train(task).Update!.Delta.Values.ToArray(), replies[7].Update!.Delta.Values.ToArray());
    }

    [Fact]
    public async Task TrainAsync_UnknownParty_Dropout()
    {
        using var channel = new InMemoryPartyChannel([]);
        var task = new TrainTask(TestData.Round(), new DenseNetwork(Spec).Initialize(1), new TrainingPlan(), 9);

        var reply = await channel.TrainAsync(TestData.Party(1), task, CancellationToken.None);

        Assert.Equal(FailureKind.Dropout, reply.Failure!.Kind);
    }

    [Fact]
    public async Task TrainAsync_DeadlinePassedWhileQueued_Cancelled()
    {
        var data = Synthetic.Logistic(10, 10, seed: 1);
        var trainer = new PartyTrainer(TestData.Party(0), Spec, data);
        using var channel = new InMemoryPartyChannel([trainer], maxParallelism: 1);
        var task = new TrainTask(TestData.Round(), new DenseNetwork(Spec).Initialize(1), new TrainingPlan(), 9);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => channel.TrainAsync(trainer.Party, task, cancelled.Token));
    }
}
