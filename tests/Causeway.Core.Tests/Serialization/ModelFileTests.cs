using Causeway.Core.Models;
using Causeway.Core.Serialization;
using Causeway.Core.Tensors;

namespace Causeway.Core.Tests.Serialization;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("causeway-model-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Load_SavedMlp_SameSpecParametersAndMetadata()
    {
        // Arrange
        var spec = new ModelSpec(LearningTask.MulticlassClassification, 6, 3, [5, 4], dropout: 0.25f);
        var parameters = new DenseNetwork(spec).Initialize(17);
        var path = Path.Combine(_directory, "model.cw");

        // Act
        ModelFile.Save(path, spec, parameters, new Dictionary<string, string> { ["causeway.round"] = "12" });
        var (loadedSpec, loaded, metadata) = ModelFile.Load(path);

        // Assert
        Assert.Equal(spec, loadedSpec);
        Assert.Equal(parameters.Layout, loaded.Layout);
        Assert.Equal(parameters.Values.ToArray(), loaded.Values.ToArray());
        Assert.Equal("12", metadata["causeway.round"]);
        Assert.Equal("1", metadata[ModelFile.FormatKey]);
        Assert.Equal(ModelSpecJson.Serialize(spec), metadata[ModelFile.ModelKey]);
        Assert.Equal(["model.cw"], Directory.GetFiles(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public void Load_SafetensorsWithoutModelKey_ThrowsNotACausewayModel()
    {
        var path = Path.Combine(_directory, "plain.safetensors");
        using (var stream = File.Create(path))
        {
            SafeTensorsFile.Write(stream, new ParameterSet(new ParameterLayout([new TensorSpec("w", [1])])), new Dictionary<string, string>());
        }

        var error = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path));
        Assert.Contains("no 'causeway.model' metadata", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TensorsThatDoNotFitTheSpec_Throws()
    {
        var path = Path.Combine(_directory, "wrong.cw");
        using (var stream = File.Create(path))
        {
            var metadata = new Dictionary<string, string> { [ModelFile.ModelKey] = ModelSpecJson.Serialize(ModelSpec.LogisticRegression(3)) };
            SafeTensorsFile.Write(stream, new DenseNetwork(ModelSpec.LogisticRegression(2)).Initialize(1), metadata);
        }

        var error = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path));
        Assert.Contains("layer0.weight", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_ParametersOfAnotherArchitecture_ThrowsArgumentException()
    {
        var parameters = new DenseNetwork(ModelSpec.LogisticRegression(2)).Initialize(1);

        Assert.Throws<ArgumentException>(() => ModelFile.Save(Path.Combine(_directory, "m.cw"), ModelSpec.LogisticRegression(3), parameters));
    }

    [Fact]
    public void Save_ReservedMetadataKey_ThrowsArgumentException()
    {
        var spec = ModelSpec.LogisticRegression(2);
        var extra = new Dictionary<string, string> { [ModelFile.ModelKey] = "{}" };

        Assert.Throws<ArgumentException>(() => ModelFile.Save(Path.Combine(_directory, "m.cw"), spec, new DenseNetwork(spec).Initialize(1), extra));
    }
}
