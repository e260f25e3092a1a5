namespace Causeway.Core.Data;

/// <summary>The JSON shape of a schema file, bound by System.Text.Json and then validated into a <see cref="DataSchema"/>.</summary>
/// <remarks>
/// The documentation of each property is the schema file's reference (docs/configuration.md is generated from it):
/// say what the field means, what it allows and its default.
/// </remarks>
internal sealed class SchemaDocument
{
    /// <summary>How the table file is written: delimiter, header, quoting, comments and missing-value markers. Default: comma-separated with a header.</summary>
    public FormatDocument? Format { get; set; }

    /// <summary>
    /// The table's columns. With a header they are matched to the header's names (in any order, and the header must name
    /// every one and no other); without one, the fields are taken in this order. Exactly one column has type
    /// <c>label</c>. Required.
    /// </summary>
    public List<ColumnDocument>? Columns { get; set; }

    /// <summary>
    /// What to do with a missing cell, for every column that does not say: <c>reject</c> (the file is refused, naming
    /// the row), <c>drop-row</c>, <c>impute-mean</c> (the federation's merged mean), <c>impute-zero</c> or
    /// <c>impute-constant</c> (the column's <c>fill</c>). Default reject.
    /// </summary>
    public string? Missing { get; set; }

    /// <summary>
    /// Turns a time series into a table: rows of one entity are grouped into fixed windows of time and each numeric
    /// column becomes its aggregates over the window. Absent: every row is an example.
    /// </summary>
    public WindowDocument? Window { get; set; }

    internal sealed class FormatDocument
    {
        /// <summary>The field separator (one or more characters; a tab is <c>"\t"</c>). Default ",".</summary>
        public string? Delimiter { get; set; }

        /// <summary>True when the first line names the columns (matched to the schema's columns by name). Default true.</summary>
        public bool? Header { get; set; }

        /// <summary>Strip spaces and tabs around each field before reading it. Default true.</summary>
        public bool? TrimWhitespace { get; set; }

        /// <summary>Fields may be quoted with <c>"</c> (RFC 4180: a quote inside is doubled). Default true, except for a tab delimiter.</summary>
        public bool? Quoted { get; set; }

        /// <summary>Lines starting with any of these prefixes are skipped (comments, footers), e.g. <c>["|", "#"]</c>. Default none.</summary>
        public List<string>? SkipLinesStartingWith { get; set; }

        /// <summary>The exact field texts that mean "missing", e.g. <c>["", "?", "NA"]</c>. Default [""] (an empty field).</summary>
        public List<string>? MissingValues { get; set; }
    }

    internal sealed class ColumnDocument
    {
        /// <summary>The column's name: its header name, or the name it is known by without a header. Required, unique.</summary>
        public string? Name { get; set; }

        /// <summary>
        /// <c>numeric</c> (a number, scaled), <c>categorical</c> (one of <c>categories</c>, one-hot encoded), <c>text</c>
        /// (hashed TF-IDF features), <c>label</c> (what the model predicts), <c>id</c> (identifies a row: never a feature;
        /// a window's entity and the key of vertical alignment), <c>timestamp</c> (orders a windowed table) or
        /// <c>ignore</c> (read past). Required.
        /// </summary>
        public string? Type { get; set; }

        /// <summary>
        /// Categorical only: every value the column may hold, in a fixed order that every party must share (each becomes
        /// one feature). Required on a categorical column.
        /// </summary>
        public List<string>? Categories { get; set; }

        /// <summary>
        /// Categorical only: a value outside <c>categories</c> encodes as all zeros (<c>zero</c>) or refuses the file
        /// (<c>error</c>). Default zero.
        /// </summary>
        public string? Unknown { get; set; }

        /// <summary>
        /// Label only, classification: class index → the raw strings that mean it, e.g.
        /// <c>{"0": ["&lt;=50K"], "1": ["&gt;50K"]}</c>; keys 0 to K−1, K ≥ 2. Required unless <c>regression</c>.
        /// </summary>
        public Dictionary<string, List<string>>? Classes { get; set; }

        /// <summary>Label only: true when the label is a number to predict (regression) rather than a class. Default false.</summary>
        public bool? Regression { get; set; }

        /// <summary>This column's missing-value policy (the same values as the schema's <c>missing</c>). Default: the schema's.</summary>
        public string? Missing { get; set; }

        /// <summary>Numeric only: the value a missing cell takes under <c>impute-constant</c> (required then). Default 0.</summary>
        public double? Fill { get; set; }

        /// <summary>Numeric only: add a 0/1 feature saying the cell was missing (needs an impute policy). Default false.</summary>
        public bool? Indicator { get; set; }

        /// <summary>
        /// Numeric only: <c>standard</c> (subtract the federation's merged mean, divide by its standard deviation),
        /// <c>minmax</c> (map <c>range</c> to [0, 1]) or <c>none</c>. Default standard.
        /// </summary>
        public string? Scale { get; set; }

        /// <summary>Numeric only: the federation's agreed [lo, hi], lo &lt; hi, for <c>minmax</c> scaling and for bins. Default none.</summary>
        public List<double>? Range { get; set; }

        /// <summary>Numeric only: one-hot bins instead of a scaled value (needs <c>range</c>; takes no <c>scale</c>). Default none.</summary>
        public BinsDocument? Bins { get; set; }

        /// <summary>Text only: the hashed feature dimension, 1 to 1,048,576. Default 1024.</summary>
        public int? Features { get; set; }

        /// <summary>Text only: <c>tfidf</c> (with the federation's merged document frequencies) or <c>tf</c>. Default tfidf.</summary>
        public string? Weighting { get; set; }

        /// <summary>Text only: lower-case tokens to leave out. Default none.</summary>
        public List<string>? StopWords { get; set; }
    }

    internal sealed class BinsDocument
    {
        /// <summary>The number of bins, 2 to 1000. Required.</summary>
        public int? Count { get; set; }

        /// <summary><c>equal-width</c> over <c>range</c>, or <c>quantile</c> (edges from the federation's merged histogram). Default equal-width.</summary>
        public string? Method { get; set; }

        /// <summary>Quantile only: the fine histogram's buckets the edges are read from, from the bin count to 100,000. Default 1000.</summary>
        public int? Resolution { get; set; }
    }

    internal sealed class WindowDocument
    {
        /// <summary>The <c>id</c> column whose rows form one series (a device, a room). Default: the whole file is one series.</summary>
        public string? Entity { get; set; }

        /// <summary>The <c>timestamp</c> column that orders the rows. Required.</summary>
        public string? Timestamp { get; set; }

        /// <summary>The window's length in seconds (&gt; 0). Default: one window per entity.</summary>
        public double? Seconds { get; set; }

        /// <summary>Each numeric column's aggregates over a window, among mean, std, min, max, slope and count. Default all six.</summary>
        public List<string>? Aggregates { get; set; }

        /// <summary>A window's label: the <c>majority</c> of its rows' labels or the <c>last</c> one. Default majority.</summary>
        public string? Label { get; set; }
    }
}
