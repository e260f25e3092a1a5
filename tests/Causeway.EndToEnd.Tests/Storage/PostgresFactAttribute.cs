namespace Causeway.EndToEnd.Tests.Storage;

/// <summary>A fact that is skipped, with the reason, when the PostgreSQL server binaries are not installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresBinaries.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
