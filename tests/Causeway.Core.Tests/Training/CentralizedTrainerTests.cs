using Causeway.Core.Metrics;
using Causeway.Core.Models;
using Causeway.Core.Training;

namespace Causeway.Core.Tests.Training;

public sealed class CentralizedTrainerTests
{
    private sealed class RecordingProgress : IProgress<int>
    {
        public List<int> Reports { get; } = [];

        public void Report(int value) => Reports.Add(value);
    }

    [Fact]
    public void Train_ThreeEpochs_ReportsEachEpochAndLearns()
    {
        // Arrange
        var data = Synthetic.Blobs(240, 4, 3, seed: 12);
        var network = new DenseNetwork(new ModelSpec(LearningTask.MulticlassClassification, 4, 3, [12]));
        var progress = new RecordingProgress();
        var plan = new TrainingPlan { Epochs = 3, BatchSize = 16, LearningRate = 0.1f, ProximalMu = 5f };

        // Act
        var parameters = CentralizedTrainer.Train(network, data, plan, seed: 3, progress);

        // Assert
        Assert.Equal([1, 2, 3], progress.Reports);
        Assert.True(ModelEvaluator.Evaluate(network, parameters, data).Accuracy > 0.9);
        Assert.Equal(parameters.Values.ToArray(), CentralizedTrainer.Train(network, data, plan, seed: 3).Values.ToArray());
    }
}
