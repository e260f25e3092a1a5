namespace Causeway.Federation.Horizontal;

/// <summary>Argument checks shared by the server optimizers.</summary>
internal static class ServerOptimizerGuards
{
    public static void RequirePositive(float value, string name)
    {
        if (!(value > 0) || !float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be a positive finite number.");
        }
    }

    public static void RequireDecay(float value, string name)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be in [0, 1).");
        }
    }
}
