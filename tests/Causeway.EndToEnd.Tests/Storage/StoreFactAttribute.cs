using Xunit.Sdk;

namespace Causeway.EndToEnd.Tests.Storage;

/// <summary>
/// A fact of the shared store suite. It runs in every concrete test class, and is skipped (with the reason) in
/// classes marked <see cref="IRequiresPostgres"/> when the PostgreSQL binaries are missing; a plain
/// <see cref="FactAttribute"/> cannot do that, because an inherited attribute does not know its class.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Causeway.EndToEnd.Tests.Storage.StoreFactDiscoverer", "Causeway.EndToEnd.Tests")]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>Marks a test class whose <see cref="StoreFactAttribute"/> tests need a PostgreSQL server.</summary>
public interface IRequiresPostgres;
