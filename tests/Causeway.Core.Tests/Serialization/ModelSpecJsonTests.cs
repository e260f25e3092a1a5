using Causeway.Core.Models;
using Causeway.Core.Serialization;

namespace Causeway.Core.Tests.Serialization;

public sealed class ModelSpecJsonTests
{
    [Fact]
    public void Serialize_Mlp_DocumentedShape() =>
        Assert.Equal(
            """{"task":"multiclass","inputs":784,"outputs":10,"hidden":[200,200],"dropout":0.2}""",
            ModelSpecJson.Serialize(new ModelSpec(LearningTask.MulticlassClassification, 784, 10, [200, 200], 0.2f)));

    [Theory]
    [InlineData(LearningTask.BinaryClassification, 1)]
    [InlineData(LearningTask.MulticlassClassification, 4)]
    [InlineData(LearningTask.Regression, 1)]
    public void Deserialize_Serialized_EqualSpec(LearningTask task, int outputs)
    {
        var spec = new ModelSpec(task, 9, outputs, [7], 0.1f);

        Assert.Equal(spec, ModelSpecJson.Deserialize(ModelSpecJson.Serialize(spec)));
    }

    [Theory]
    [InlineData("""{"task":"ranking","inputs":3,"outputs":1}""", "Unknown task 'ranking'")]
    [InlineData("""{"task":"binary","outputs":1}""", "no 'inputs'")]
    [InlineData("""{"task":"binary","inputs":3,"outputs":2}""", "exactly one output")]
    [InlineData("""{"task":"binary","inputs":"3","outputs":1}""", "Invalid model spec")]
    [InlineData("""{"task":""", "Invalid model spec")]
    public void Deserialize_Invalid_ThrowsInvalidData(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => ModelSpecJson.Deserialize(json));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
