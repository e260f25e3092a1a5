namespace Causeway.EndToEnd.Tests.Storage;

/// <summary>Every test that needs PostgreSQL joins this collection, so the server starts once per test run.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "PostgreSQL server";
}
