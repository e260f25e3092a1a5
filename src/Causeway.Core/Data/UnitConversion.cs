using System.Diagnostics.CodeAnalysis;

namespace Causeway.Core.Data;

/// <summary>
/// An affine conversion between two units of one quantity, <c>"fahrenheit→celsius"</c> (or <c>-&gt;</c>): y = x · Scale + Offset.
/// </summary>
/// <remarks>
/// Known units, by quantity (aliases in brackets): temperature celsius, fahrenheit, kelvin; length meter (m),
/// centimeter (cm), millimeter (mm), kilometer (km), inch, foot, mile; mass kilogram (kg), gram (g), pound (lb);
/// time second (s), millisecond (ms), minute (min), hour (h), day; ratio fraction, percent (%); pressure pascal (pa),
/// hectopascal (hpa), kilopascal (kpa), bar, psi. Each unit is x_SI = x · s + o; converting a → b is
/// ((x · s_a + o_a) − o_b) / s_b.
/// </remarks>
public sealed record UnitConversion(string From, string To, double Scale, double Offset)
{
    private static readonly Dictionary<string, (string Quantity, double Scale, double Offset)> Units = new(StringComparer.OrdinalIgnoreCase)
    {
        ["celsius"] = ("temperature", 1.0, 273.15),
        ["fahrenheit"] = ("temperature", 5.0 / 9.0, 273.15 - (32.0 * 5.0 / 9.0)),
        ["kelvin"] = ("temperature", 1.0, 0.0),
        ["meter"] = ("length", 1.0, 0.0),
        ["m"] = ("length", 1.0, 0.0),
        ["centimeter"] = ("length", 0.01, 0.0),
        ["cm"] = ("length", 0.01, 0.0),
        ["millimeter"] = ("length", 0.001, 0.0),
        ["mm"] = ("length", 0.001, 0.0),
        ["kilometer"] = ("length", 1000.0, 0.0),
        ["km"] = ("length", 1000.0, 0.0),
        ["inch"] = ("length", 0.0254, 0.0),
        ["foot"] = ("length", 0.3048, 0.0),
        ["mile"] = ("length", 1609.344, 0.0),
        ["kilogram"] = ("mass", 1.0, 0.0),
        ["kg"] = ("mass", 1.0, 0.0),
        ["gram"] = ("mass", 0.001, 0.0),
        ["g"] = ("mass", 0.001, 0.0),
        ["pound"] = ("mass", 0.45359237, 0.0),
        ["lb"] = ("mass", 0.45359237, 0.0),
        ["second"] = ("time", 1.0, 0.0),
        ["s"] = ("time", 1.0, 0.0),
        ["millisecond"] = ("time", 0.001, 0.0),
        ["ms"] = ("time", 0.001, 0.0),
        ["minute"] = ("time", 60.0, 0.0),
        ["min"] = ("time", 60.0, 0.0),
        ["hour"] = ("time", 3600.0, 0.0),
        ["h"] = ("time", 3600.0, 0.0),
        ["day"] = ("time", 86400.0, 0.0),
        ["fraction"] = ("ratio", 1.0, 0.0),
        ["percent"] = ("ratio", 0.01, 0.0),
        ["%"] = ("ratio", 0.01, 0.0),
        ["pascal"] = ("pressure", 1.0, 0.0),
        ["pa"] = ("pressure", 1.0, 0.0),
        ["hectopascal"] = ("pressure", 100.0, 0.0),
        ["hpa"] = ("pressure", 100.0, 0.0),
        ["kilopascal"] = ("pressure", 1000.0, 0.0),
        ["kpa"] = ("pressure", 1000.0, 0.0),
        ["bar"] = ("pressure", 100_000.0, 0.0),
        ["psi"] = ("pressure", 6894.757293168, 0.0),
    };

    /// <summary>Converts one value.</summary>
    public double Convert(double value) => (value * Scale) + Offset;

    /// <summary>Parses <c>"from→to"</c>; false with the reason when the text is malformed, a unit is unknown or the units measure different quantities.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out UnitConversion? conversion, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        conversion = null;
        var parts = text.Split(["→", "->"], StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            problem = $"'{text}' is not a conversion; write \"from→to\", such as \"fahrenheit→celsius\".";
            return false;
        }

        foreach (var unit in parts)
        {
            if (!Units.ContainsKey(unit))
            {
                problem = $"unknown unit '{unit}'; known units are {string.Join(", ", Units.Keys)}.";
                return false;
            }
        }

        var (fromQuantity, fromScale, fromOffset) = Units[parts[0]];
        var (toQuantity, toScale, toOffset) = Units[parts[1]];
        if (fromQuantity != toQuantity)
        {
            problem = $"'{parts[0]}' ({fromQuantity}) cannot be converted to '{parts[1]}' ({toQuantity}).";
            return false;
        }

        conversion = new UnitConversion(parts[0], parts[1], fromScale / toScale, (fromOffset - toOffset) / toScale);
        problem = null;
        return true;
    }
}
