namespace Causeway.Privacy.Mechanisms;

/// <summary>Argument checks shared by the mechanisms.</summary>
internal static class MechanismGuards
{
    public static void Sensitivity(double value, string name)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "The sensitivity must be finite and positive.");
        }
    }

    public static void Finite(double value, string name)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "The value must be finite.");
        }
    }

    public static void Finite(ReadOnlySpan<double> values, string name)
    {
        foreach (var value in values)
        {
            Finite(value, name);
        }
    }
}
