namespace Causeway.Core.Data;

/// <summary>One entry of a <see cref="ColumnMapping"/>: the shared column name and the unit conversion, if any.</summary>
public sealed record MappedColumn(string Name, UnitConversion? Unit);
