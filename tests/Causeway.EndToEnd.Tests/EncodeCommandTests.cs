using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Core.Data;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Onnx.Encoders;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// <c>causeway encode</c>: a party's images through the frozen ResNet18, locally, into a features table and schema that
/// a federation trains a head on.
/// </summary>
public sealed class EncodeCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("causeway-encode-");

    public void Dispose() => _work.Delete(recursive: true);

    private static string Samples(params string[] parts) => Path.Combine([CliRunner.RepositoryRoot(), "samples", .. parts]);

    [ResNetFact]
    public async Task Encode_IdxImages_WritesResNet18Features_AndASchemaAFederationTrainsAHeadWith()
    {
        var images = Samples("data", "fashion-mnist-ann", "t10k-images-idx3-ubyte.gz");
        var labels = Samples("data", "fashion-mnist-ann", "t10k-labels-idx1-ubyte.gz");
        var folder = Path.Combine(_work.FullName, "features");

        var (exit, stdout, stderr) = await CliRunner.RunAsync(Timeout, "encode", "--idx-images", images, "--idx-labels", labels, "--limit", "200", "--out", folder);

        Assert.True(exit == 0, stderr);
        Assert.Contains("encoded 200 images into 512 features each", stdout, StringComparison.Ordinal);

        // The features are ResNet18's for each image, and the label its class.
        var rows = File.ReadAllLines(Path.Combine(folder, "features.csv"));
        Assert.Equal(201, rows.Length);
        var source = IdxReader.Read(images, labels);
        using var resnet = new ResNet18Features(ResNet.Directory, 1);
        var expected = new float[ResNet18Features.Width];
        foreach (var row in new[] { 0, 1, 199 })
        {
            resnet.Extract(source.Row(row), 28, expected);
            var cells = rows[row + 1].Split(',');
            Assert.Equal(expected, cells[..512].Select(c => float.Parse(c, CultureInfo.InvariantCulture)));
            Assert.Equal(source.Labels[row].ToString(CultureInfo.InvariantCulture), cells[512]);
        }

        // The schema reads the table, and a federated head on the features learns the ten classes (chance is 10 %).
        var report = Path.Combine(_work.FullName, "head.json");
        (exit, _, stderr) = await CliRunner.RunAsync(
            Timeout, "simulate", "--data", Path.Combine(folder, "features.csv"), "--schema", Path.Combine(folder, "schema.json"), "--parties", "2", "--rounds", "10", "--report", report);
        Assert.True(exit == 0, stderr);
        var accuracy = JsonNode.Parse(File.ReadAllText(report))!["final"]!["accuracy"]!.GetValue<double>();
        Assert.InRange(accuracy, 0.4, 1.0);
    }

    [ResNetFact]
    public async Task Encode_PixelTable_ScalesByPixelMax_AndKeepsTheClassNames()
    {
        var folder = Path.Combine(_work.FullName, "digits");

        var (exit, _, stderr) = await CliRunner.RunAsync(
            Timeout, "encode", "--data", Samples("data", "uci-digits-8x8", "sklearn_digits.csv"), "--schema", Samples("digits", "schema.json"), "--pixel-max", "16", "--limit", "3", "--out", folder);

        Assert.True(exit == 0, stderr);
        var schema = DataSchema.Load(Path.Combine(folder, "schema.json"));
        var table = TableReader.Read(Path.Combine(folder, "features.csv"), schema, LabelPresence.Required);
        Assert.Equal(3, table.Rows);
        var digits = TableReader.Read(Samples("data", "uci-digits-8x8", "sklearn_digits.csv"), DataSchema.Load(Samples("digits", "schema.json")), LabelPresence.Required);
        var pixels = digits.Schema.Columns.Where(c => c.Type == ColumnType.Numeric).Select(c => (float)(digits.Numeric(c.Name)[1] / 16)).ToArray();
        using var resnet = new ResNet18Features(ResNet.Directory, 1);
        var expected = new float[ResNet18Features.Width];
        resnet.Extract(pixels, 8, expected);
        Assert.Equal(expected, Enumerable.Range(0, 512).Select(j => (float)table.Numeric($"resnet18_{j:D3}")[1]));
        Assert.Equal(digits.Labels[..3], table.Labels);
    }

    [Fact]
    public async Task Encode_PixelsThatAreNotASquareImage_OrOutOfRange_ExitTwoSayingWhere()
    {
        var schema = Path.Combine(_work.FullName, "three.json");
        File.WriteAllText(schema, """{ "format": {"header": true}, "columns": [ {"name": "a", "type": "numeric"}, {"name": "b", "type": "numeric"}, {"name": "c", "type": "numeric"}, {"name": "y", "type": "label", "classes": {"0": ["n"], "1": ["y"]}} ] }""");
        var data = Path.Combine(_work.FullName, "three.csv");
        File.WriteAllText(data, "a,b,c,y\n1,2,3,y\n");

        var (exit, _, stderr) = await CliRunner.RunAsync(Timeout, "encode", "--data", data, "--schema", schema, "--out", Path.Combine(_work.FullName, "out"));

        Assert.Equal(2, exit);
        Assert.Contains("encode: --schema gives 3 pixels per image, which is not a square image", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);

        (exit, _, stderr) = await CliRunner.RunAsync(
            Timeout, "encode", "--data", Samples("data", "uci-digits-8x8", "sklearn_digits.csv"), "--schema", Samples("digits", "schema.json"), "--pixel-max", "10", "--out", Path.Combine(_work.FullName, "out"));
        Assert.Equal(2, exit);
        Assert.Contains("column 'p2': 12 is not a pixel value from 0 to --pixel-max 10", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_work.FullName, "out")));
    }
}
