using System.Data.Common;

namespace Causeway.Coordinator.Storage;

/// <summary>The ledger of each run's differentially private statistics releases (the statistics privacy budget).</summary>
internal sealed partial class RelationalRunStore
{
    public async Task<StatisticsBudgetCharge> ChargeStatisticsReleaseAsync(
        string runId, StatisticsReleaseCost release, double epsilonLimit, double deltaLimit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        RunStoreRules.Validate(release);

        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteTransactionAsync(connection, cancellationToken);

        // Locks the run's row (PostgreSQL) or the database (SQLite), so two charges of one run never both pass the check.
        _ = await GetRunAsync(connection, transaction, runId, cancellationToken, forUpdate: true) ?? throw new RunNotFoundException(runId);
        var spent = await ReadStatisticsSpentAsync(connection, transaction, runId, cancellationToken);
        var after = spent.Add(release);
        if (!after.FitsWithin(epsilonLimit, deltaLimit))
        {
            await transaction.RollbackAsync(cancellationToken);
            return new StatisticsBudgetCharge(false, spent);
        }

        await using (var insert = Command(
            connection,
            transaction,
            """
            INSERT INTO statistics_releases (run_id, release, mechanism, epsilon, delta, released_at)
            VALUES (@run_id, @release, @mechanism, @epsilon, @delta, @released_at)
            """))
        {
            Add(insert, "run_id", runId);
            Add(insert, "release", after.Releases);
            Add(insert, "mechanism", release.Mechanism);
            Add(insert, "epsilon", release.Epsilon);
            Add(insert, "delta", release.Delta);
            Add(insert, "released_at", dialect.ToTimestamp(RunStoreRules.Truncate(release.ReleasedAt)));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await FenceAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new StatisticsBudgetCharge(true, after);
    }

    public async Task<StatisticsBudgetSpent> GetStatisticsSpentAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var transaction = await dialect.BeginReadTransactionAsync(connection, cancellationToken);
        var spent = await ReadStatisticsSpentAsync(connection, transaction, runId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return spent;
    }

    private static async Task<StatisticsBudgetSpent> ReadStatisticsSpentAsync(
        DbConnection connection, DbTransaction transaction, string runId, CancellationToken cancellationToken)
    {
        // Summed in release order, so the total is the same double every time it is read.
        await using var command = Command(
            connection, transaction, "SELECT epsilon, delta FROM statistics_releases WHERE run_id = @run_id ORDER BY release");
        Add(command, "run_id", runId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        double epsilon = 0, delta = 0;
        var releases = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            epsilon += reader.GetDouble(0);
            delta += reader.GetDouble(1);
            releases++;
        }

        return releases == 0 ? StatisticsBudgetSpent.None : new StatisticsBudgetSpent(epsilon, delta, releases);
    }
}
