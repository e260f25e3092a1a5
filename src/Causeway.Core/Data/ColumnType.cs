namespace Causeway.Core.Data;

/// <summary>The role of one column of a table file (<c>"type"</c> in a schema).</summary>
public enum ColumnType
{
    /// <summary>A number; standardised with the federation's mean and standard deviation.</summary>
    Numeric,

    /// <summary>One of a fixed, federation-shared list of categories; one-hot encoded.</summary>
    Categorical,

    /// <summary>The prediction target: a class (mapped from raw strings) or a regression value.</summary>
    Label,

    /// <summary>An identifier kept as text (for example a site or patient id); never a feature.</summary>
    Id,

    /// <summary>A column that is read past and dropped.</summary>
    Ignore,

    /// <summary>Free text (reviews, messages): tokenised and hashed into a fixed number of features (<see cref="TextOptions"/>).</summary>
    Text,

    /// <summary>A point in time (ISO 8601 or seconds since the Unix epoch); orders the rows of a windowed schema (<see cref="WindowSpec"/>). Never a feature.</summary>
    Timestamp,
}
