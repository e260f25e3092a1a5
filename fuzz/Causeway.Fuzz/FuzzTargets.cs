using Causeway.Fuzz.Targets;

namespace Causeway.Fuzz;

/// <summary>Every fuzz target, by name.</summary>
internal static class FuzzTargets
{
    /// <summary>The targets, wire parsers first.</summary>
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new PushResultTarget(),
        new PullTaskTarget(),
        new ParameterSetTarget(),
        new ProtocolMessageTarget(),
        new JoinRequestTarget(),
        new SmallRequestsTarget(),
        new DataDescriptionTarget(),
        new CsvTarget(),
        new SchemaTarget(),
        new RunConfigTarget(),
        new VerticalJobTarget(),
        new RunSetupTarget(),
    ];

    /// <summary>The target named <paramref name="name"/>, or null.</summary>
    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));
}
