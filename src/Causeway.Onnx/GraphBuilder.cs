using System.Globalization;
using Causeway.Onnx.Proto;
using Google.Protobuf;

namespace Causeway.Onnx;

/// <summary>
/// Builds one ONNX graph: typed inputs and outputs, constants as initializers, and nodes in the order they are added
/// (which is topological, since a node can only use names that exist). Internal names start with <c>cw/</c>, so they
/// never collide with a column's name.
/// </summary>
internal sealed class GraphBuilder
{
    /// <summary>ONNX element types used here.</summary>
    public const int Float = 1;
    public const int Int64 = 7;
    public const int String = 8;

    private int _next;

    public GraphProto Graph { get; } = new() { Name = "causeway" };

    /// <summary>A graph input of shape [N, <paramref name="width"/>] named <paramref name="name"/>.</summary>
    public string Input(string name, int elementType, int width = 1)
    {
        Graph.Input.Add(Value(name, elementType, width));
        return name;
    }

    /// <summary>Names <paramref name="value"/> as a graph output of shape [N, <paramref name="width"/>].</summary>
    public void Output(string value, string name, int width)
    {
        Node("Identity", [value], output: name);
        Graph.Output.Add(Value(name, Float, width));
    }

    public string Floats(float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = NewName("const"), DataType = Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    public string Int64s(long[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = NewName("const"), DataType = Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a node and returns its (first) output's name.</summary>
    public string Node(string op, string[] inputs, string domain = "", string? output = null, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Domain = domain, Name = NewName(op) };
        node.Input.AddRange(inputs);
        node.Output.Add(output ?? NewName(op));
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return node.Output[0];
    }

    public static AttributeProto Attribute(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attribute(string name, IEnumerable<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Attribute(string name, IEnumerable<string> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        attribute.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return attribute;
    }

    private static ValueInfoProto Value(string name, int elementType, long width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = shape } } };
    }

    private string NewName(string what) => string.Create(CultureInfo.InvariantCulture, $"cw/{what}/{_next++}");
}
