using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Causeway.Onnx.Encoders;

/// <summary>
/// The ImageNet ResNet18 (He et al. 2016) of Microsoft.ML.DnnImageFeaturizer.ResNet18, run at the party through ONNX
/// Runtime as a frozen feature extractor: an image in, its 512 pooled features out. Nothing of it is trained or sent; a
/// federated head learns on the features.
/// </summary>
/// <remarks>
/// The package's two graphs run in turn, as ML.NET's DnnImageFeaturizer runs them: <c>ResNetPreprocess.onnx</c> takes a
/// [1, 3, 224, 224] image of 0–255 values and subtracts the per-channel ImageNet means; <c>ResNet18.onnx</c> returns the
/// global average pool, [1, 512, 1, 1]. A grey image of any square size is resized to 224 × 224 bilinearly and repeated
/// on the three channels. Both graphs take one image at a time. Not thread-safe: one instance per thread.
/// </remarks>
public sealed class ResNet18Features : IDisposable
{
    /// <summary>Features per image.</summary>
    public const int Width = 512;

    /// <summary>The side the graphs take.</summary>
    public const int Side = 224;

    /// <summary>Where <c>scripts/install-resnet18.sh</c> puts the files, under a clone's root.</summary>
    public const string InstallDirectory = ".causeway/models/resnet18";

    private readonly InferenceSession _preprocess;
    private readonly InferenceSession _network;
    private readonly DenseTensor<float> _image = new([1, 3, Side, Side]);
    private readonly string _preprocessInput;
    private readonly string _networkInput;

    /// <param name="directory">Holds ResNet18.onnx and ResNetPreprocess.onnx.</param>
    /// <param name="threads">ONNX Runtime's threads within one image (1 or more).</param>
    /// <exception cref="FileNotFoundException">A graph is missing: run scripts/install-resnet18.sh.</exception>
    public ResNet18Features(string directory, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        foreach (var file in new[] { "ResNetPreprocess.onnx", "ResNet18.onnx" })
        {
            if (!File.Exists(Path.Combine(directory, file)))
            {
                throw new FileNotFoundException($"{file} is not in {directory}: run scripts/install-resnet18.sh.", Path.Combine(directory, file));
            }
        }

        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        _preprocess = new InferenceSession(Path.Combine(directory, "ResNetPreprocess.onnx"), options);
        _network = new InferenceSession(Path.Combine(directory, "ResNet18.onnx"), options);
        _preprocessInput = _preprocess.InputMetadata.Keys.Single();
        _networkInput = _network.InputMetadata.Keys.Single();
    }

    /// <summary>Writes the features of a grey <paramref name="side"/> × <paramref name="side"/> image of values in [0, 1] (row-major) to <paramref name="features"/>.</summary>
    public void Extract(ReadOnlySpan<float> grey, int side, Span<float> features)
    {
        if (grey.Length != side * side || features.Length != Width)
        {
            throw new ArgumentException($"Expected {side * side} pixels and room for {Width} features, got {grey.Length} and {features.Length}.");
        }

        Resize(grey, side, _image.Buffer.Span[..(Side * Side)]);
        var plane = _image.Buffer.Span[..(Side * Side)];
        plane.CopyTo(_image.Buffer.Span.Slice(Side * Side, Side * Side));
        plane.CopyTo(_image.Buffer.Span.Slice(2 * Side * Side, Side * Side));
        using var prepared = _preprocess.Run([NamedOnnxValue.CreateFromTensor(_preprocessInput, _image)]);
        using var pooled = _network.Run([NamedOnnxValue.CreateFromTensor(_networkInput, prepared[0].AsTensor<float>())]);
        var output = pooled[0].AsTensor<float>();
        for (var i = 0; i < Width; i++)
        {
            features[i] = output.GetValue(i);
        }
    }

    public void Dispose()
    {
        _preprocess.Dispose();
        _network.Dispose();
    }

    // Bilinear resize (pixel centres aligned) to Side × Side, scaled to 0–255.
    private static void Resize(ReadOnlySpan<float> source, int side, Span<float> target)
    {
        var scale = (float)side / Side;
        for (var y = 0; y < Side; y++)
        {
            var sy = Math.Clamp(((y + 0.5f) * scale) - 0.5f, 0, side - 1);
            var y0 = (int)sy;
            var y1 = Math.Min(y0 + 1, side - 1);
            var fy = sy - y0;
            for (var x = 0; x < Side; x++)
            {
                var sx = Math.Clamp(((x + 0.5f) * scale) - 0.5f, 0, side - 1);
                var x0 = (int)sx;
                var x1 = Math.Min(x0 + 1, side - 1);
                var fx = sx - x0;
                var top = (source[(y0 * side) + x0] * (1 - fx)) + (source[(y0 * side) + x1] * fx);
                var bottom = (source[(y1 * side) + x0] * (1 - fx)) + (source[(y1 * side) + x1] * fx);
                target[(y * Side) + x] = 255f * ((top * (1 - fy)) + (bottom * fy));
            }
        }
    }
}
