namespace Causeway.Core.Data;

/// <summary>The JSON shape of a schema file, bound by System.Text.Json and then validated into a <see cref="DataSchema"/>.</summary>
internal sealed class SchemaDocument
{
    public FormatDocument? Format { get; set; }

    public List<ColumnDocument>? Columns { get; set; }

    public string? Missing { get; set; }

    public WindowDocument? Window { get; set; }

    internal sealed class FormatDocument
    {
        public string? Delimiter { get; set; }

        public bool? Header { get; set; }

        public bool? TrimWhitespace { get; set; }

        public bool? Quoted { get; set; }

        public List<string>? SkipLinesStartingWith { get; set; }

        public List<string>? MissingValues { get; set; }
    }

    internal sealed class ColumnDocument
    {
        public string? Name { get; set; }

        public string? Type { get; set; }

        public List<string>? Categories { get; set; }

        public string? Unknown { get; set; }

        public Dictionary<string, List<string>>? Classes { get; set; }

        public bool? Regression { get; set; }

        public string? Missing { get; set; }

        public double? Fill { get; set; }

        public bool? Indicator { get; set; }

        public string? Scale { get; set; }

        public List<double>? Range { get; set; }

        public BinsDocument? Bins { get; set; }

        public int? Features { get; set; }

        public string? Weighting { get; set; }

        public List<string>? StopWords { get; set; }
    }

    internal sealed class BinsDocument
    {
        public int? Count { get; set; }

        public string? Method { get; set; }

        public int? Resolution { get; set; }
    }

    internal sealed class WindowDocument
    {
        public string? Entity { get; set; }

        public string? Timestamp { get; set; }

        public double? Seconds { get; set; }

        public List<string>? Aggregates { get; set; }

        public string? Label { get; set; }
    }
}
