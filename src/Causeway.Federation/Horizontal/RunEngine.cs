namespace Causeway.Federation.Horizontal;

/// <summary>Makes the engine a run's options ask for.</summary>
public static class RunEngine
{
    /// <summary>
    /// <see cref="Buffered.BufferedRoundEngine"/> when <see cref="RoundEngineOptions.Buffered"/> is set, else the synchronous
    /// <see cref="RoundEngine"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The options are not valid for that engine.</exception>
    public static IRunEngine Create(RoundEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Buffered is null ? new RoundEngine(options) : new Buffered.BufferedRoundEngine(options);
    }
}
