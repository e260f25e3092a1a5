using Causeway.Core.Data;
using Causeway.Core.Metrics;
using Causeway.Core.Models;
using Causeway.Core.Tensors;
using Causeway.Core.Training;
using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Tests.Horizontal;

public sealed class PartyTrainerTests
{
    private static readonly ModelSpec Spec = ModelSpec.LogisticRegression(5);

    [Fact]
    public void Train_LocalData_DeltaIsTrainedMinusGlobal()
    {
        var data = Synthetic.Logistic(120, 5, seed: 1);
        var trainer = new PartyTrainer(TestData.Party(0), Spec, data);
        var global = new DenseNetwork(Spec).Initialize(3);
        var before = global.Values.ToArray();
        var plan = new TrainingPlan { Epochs = 2, BatchSize = 16, LearningRate = 0.1f };
        var task = new TrainTask(TestData.Round(), global, plan, 77);

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var reply = trainer.Train(task);
        var callSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;

        var update = Assert.IsType<PartyUpdate>(reply.Update);
        var expected = LocalTrainer.Train(new DenseNetwork(Spec), global, data, plan, 77);
        Assert.Equal(120, update.Examples);
        Assert.InRange(update.TrainSeconds, double.Epsilon, callSeconds);
        Assert.Equal(expected.MeanLoss, update.TrainLoss);
        for (var i = 0; i < global.Length; i++)
        {
            Assert.Equal(expected.Parameters.Values[i] - global.Values[i], update.Delta.Values[i]);
        }

        Assert.Equal(before, global.Values.ToArray());
        Assert.True(update.Delta.L2Norm() > 0);
    }

    [Fact]
    public void Train_SharedNetworkAcrossParties_SameAsFreshNetworks()
    {
        var network = new DenseNetwork(Spec);
        var global = new DenseNetwork(Spec).Initialize(3);
        var task = new TrainTask(TestData.Round(), global, new TrainingPlan(), 5);
        var a = new PartyTrainer(TestData.Party(0), Spec, Synthetic.Logistic(50, 5, seed: 2));
        var b = new PartyTrainer(TestData.Party(1), Spec, Synthetic.Logistic(70, 5, seed: 3));

        var sharedA = a.Train(task, network, CancellationToken.None).Update!;
        var sharedB = b.Train(task, network, CancellationToken.None).Update!;

        Assert.Equal(a.Train(task).Update!.Delta.Values.ToArray(), sharedA.Delta.Values.ToArray());
        Assert.Equal(b.Train(task).Update!.Delta.Values.ToArray(), sharedB.Delta.Values.ToArray());
    }

    [Fact]
    public void Train_NoLocalRows_ReportsDropout()
    {
        var empty = new TabularData([], [], 5);
        var trainer = new PartyTrainer(TestData.Party(0), Spec, empty);

        var reply = trainer.Train(new TrainTask(TestData.Round(), new ParameterSet(DenseNetwork.CreateLayout(Spec)), new TrainingPlan(), 1));

        Assert.Equal(FailureKind.Dropout, reply.Failure!.Kind);
        Assert.Contains("no training data", reply.Failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_GlobalOfAnotherModel_ReportsDropoutWithMismatch()
    {
        var trainer = new PartyTrainer(TestData.Party(0), Spec, Synthetic.Logistic(10, 5, seed: 1));
        var other = new ParameterSet(DenseNetwork.CreateLayout(ModelSpec.LogisticRegression(6)));

        var reply = trainer.Train(new TrainTask(TestData.Round(), other, new TrainingPlan(), 1));

        Assert.Equal(FailureKind.Dropout, reply.Failure!.Kind);
        Assert.Contains("layer0.weight", reply.Failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_WithAndWithoutHeldOutData()
    {
        var data = Synthetic.Logistic(200, 5, seed: 4);
        var global = new DenseNetwork(Spec).Initialize(3);
        var task = new EvaluateTask(TestData.Round(), global);

        var evaluation = new PartyTrainer(TestData.Party(0), Spec, data, data).Evaluate(task);
        var none = new PartyTrainer(TestData.Party(0), Spec, data).Evaluate(task);

        Assert.Equal(ModelEvaluator.Evaluate(new DenseNetwork(Spec), global, data), evaluation);
        Assert.Null(none);
    }

    [Fact]
    public void Train_PersonalLastLayer_DeltaIsZeroThere_TheTrainedHeadIsKeptForTheNextRoundAndForEvaluation()
    {
        var spec = new ModelSpec(LearningTask.BinaryClassification, 5, 1, [6]);
        var data = Synthetic.Logistic(120, 5, seed: 4);
        var trainer = new PartyTrainer(TestData.Party(0), spec, data, evaluation: data);
        var global = new DenseNetwork(spec).Initialize(3);
        var plan = new TrainingPlan { Epochs = 2, BatchSize = 16, LearningRate = 0.1f, PersonalLayers = 1 };
        var head = LayerSharing.Of(global.Layout, plan)!.PersonalElements;

        var first = Assert.IsType<PartyUpdate>(trainer.Train(new TrainTask(TestData.Round(1), global, plan, 7)).Update);

        // Nothing of the head is sent; the body's delta is the ordinary one.
        Assert.All(first.Delta.Values[head].ToArray(), v => Assert.Equal(0f, v));
        var expected = LocalTrainer.Train(new DenseNetwork(spec), global, data, plan, 7).Parameters;
        Assert.Equal(expected.Values[..head.Start].ToArray().Zip(global.Values[..head.Start].ToArray(), (e, g) => e - g), first.Delta.Values[..head.Start].ToArray());

        // The party's own model is the global body under the head it trained, and the next round starts from it.
        var personal = trainer.PersonalModel(global);
        Assert.Equal(expected.Values[head].ToArray(), personal.Values[head].ToArray());
        Assert.Equal(global.Values[..head.Start].ToArray(), personal.Values[..head.Start].ToArray());
        Assert.Equal(
            ModelEvaluator.Evaluate(new DenseNetwork(spec), personal, data).Loss,
            trainer.Evaluate(new EvaluateTask(TestData.Round(1), global))!.Loss);
        var second = Assert.IsType<PartyUpdate>(trainer.Train(new TrainTask(TestData.Round(2), global, plan, 8)).Update);
        var fromPersonal = LocalTrainer.Train(new DenseNetwork(spec), personal, data, plan, 8).Parameters;
        Assert.Equal(fromPersonal.Values[..head.Start].ToArray().Zip(personal.Values[..head.Start].ToArray(), (e, g) => e - g), second.Delta.Values[..head.Start].ToArray());
    }
}
