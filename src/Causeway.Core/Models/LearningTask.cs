namespace Causeway.Core.Models;

/// <summary>What a model predicts, which fixes its output activation, loss and metrics.</summary>
public enum LearningTask
{
    /// <summary>One sigmoid output: the probability of class 1. Loss: binary cross-entropy.</summary>
    BinaryClassification,

    /// <summary>K softmax outputs, one probability per class. Loss: categorical cross-entropy.</summary>
    MulticlassClassification,

    /// <summary>One linear output. Loss: half the squared error.</summary>
    Regression,
}
