namespace Causeway.Federation.Configuration;

/// <summary>Where a run configuration is used; it decides which sections and checks apply (<see cref="RunConfig.Validate"/>).</summary>
public enum RunSite
{
    /// <summary><c>causeway simulate</c>: virtual parties cut from the files the configuration names (<c>data.schema</c> and <c>data.train</c> required).</summary>
    SimulationFromFiles,

    /// <summary>An in-process simulation whose tables are given in code (no data paths needed).</summary>
    SimulationInMemory,

    /// <summary>
    /// A coordinator's run: the connected parties hold the data, so there is no <c>partition</c>, and how many parties a
    /// round samples is known only when the run starts (<see cref="RunConfig.ValidateRoster"/>).
    /// </summary>
    Network,
}
