namespace Causeway.Core.Data;

/// <summary>The JSON shape of a schema file, bound by System.Text.Json and then validated into a <see cref="DataSchema"/>.</summary>
internal sealed class SchemaDocument
{
    public FormatDocument? Format { get; set; }

    public List<ColumnDocument>? Columns { get; set; }

    public string? Missing { get; set; }

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
    }
}
