using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Causeway.Core.Serialization;
using Causeway.Core.Tensors;
using Causeway.Federation;
using Causeway.Federation.Horizontal.DifferentialPrivacy;

namespace Causeway.Coordinator.Storage;

/// <summary>Closing rounds and reading them and their checkpoints back.</summary>
internal sealed partial class RelationalRunStore
{
    public async Task CloseRoundAsync(RoundRecord round, Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        RunStoreRules.Validate(round);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(checkpoint.Global);

        // Encode before taking the write lock: it is CPU work that needs no database.
        var global = EncodeBlob(checkpoint.Global);
        var optimizerState = checkpoint.OptimizerState is null ? null : EncodeBlob(checkpoint.OptimizerState);

        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteTransactionAsync(connection, cancellationToken);

        // No upsert anywhere here: the primary key on (run_id, round) is what turns a second close into an error.
        await using (var insertRound = Command(
            connection,
            transaction,
            """
            INSERT INTO rounds (
                run_id, round, selected, participants, failures, succeeded, train_loss, eval_loss, accuracy, bytes, seconds, closed_at, privacy_json,
                eval_examples, roc_auc, f1, rmse, mae, slowest_train_seconds, problem, party_evaluations_json)
            VALUES (
                @run_id, @round, @selected, @participants, @failures, @succeeded, @train_loss, @eval_loss, @accuracy, @bytes, @seconds, @closed_at, @privacy_json,
                @eval_examples, @roc_auc, @f1, @rmse, @mae, @slowest_train_seconds, @problem, @party_evaluations_json)
            """))
        {
            Add(insertRound, "run_id", round.RunId);
            Add(insertRound, "round", round.Round);
            Add(insertRound, "selected", round.Selected);
            Add(insertRound, "participants", round.Participants);
            Add(insertRound, "failures", round.Failures);
            Add(insertRound, "succeeded", round.Succeeded);
            Add(insertRound, "train_loss", RunStoreRules.NaNAsNull(round.TrainLoss));
            Add(insertRound, "eval_loss", RunStoreRules.NaNAsNull(round.EvaluationLoss));
            Add(insertRound, "accuracy", RunStoreRules.NaNAsNull(round.Accuracy));
            Add(insertRound, "bytes", round.Bytes);
            Add(insertRound, "seconds", round.Seconds);
            Add(insertRound, "closed_at", dialect.ToTimestamp(RunStoreRules.Truncate(round.ClosedAt)));
            Add(insertRound, "privacy_json", RunStoreRules.SerializePrivacy(round.Privacy));
            Add(insertRound, "eval_examples", round.EvaluationExamples);
            Add(insertRound, "roc_auc", RunStoreRules.NaNAsNull(round.RocAuc));
            Add(insertRound, "f1", RunStoreRules.NaNAsNull(round.F1));
            Add(insertRound, "rmse", RunStoreRules.NaNAsNull(round.Rmse));
            Add(insertRound, "mae", RunStoreRules.NaNAsNull(round.Mae));
            Add(insertRound, "slowest_train_seconds", RunStoreRules.NaNAsNull(round.SlowestTrainSeconds));
            Add(insertRound, "problem", round.Problem);
            Add(insertRound, "party_evaluations_json", RunStoreRules.SerializePartyEvaluations(round.PartyEvaluations));
            try
            {
                await insertRound.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (DbException e) when (dialect.IsUniqueViolation(e))
            {
                throw new RoundAlreadyClosedException(round.RunId, round.Round, e);
            }
            catch (DbException e) when (dialect.IsForeignKeyViolation(e))
            {
                throw RunNotFoundException.For(round.RunId, e);
            }
        }

        await using (var insertParty = Command(
            connection,
            transaction,
            """
            INSERT INTO party_rounds (run_id, round, position, party_id, outcome, reason, examples, train_loss, bytes,
                trained_on_version, applied_to_version, staleness, staleness_weight)
            VALUES (@run_id, @round, @position, @party_id, @outcome, @reason, @examples, @train_loss, @bytes,
                @trained_on_version, @applied_to_version, @staleness, @staleness_weight)
            """))
        {
            for (var i = 0; i < round.Parties.Count; i++)
            {
                var party = round.Parties[i];
                insertParty.Parameters.Clear();
                Add(insertParty, "run_id", round.RunId);
                Add(insertParty, "round", round.Round);
                Add(insertParty, "position", i);
                Add(insertParty, "party_id", party.Party.Value);
                Add(insertParty, "outcome", ToText(party.Outcome));
                Add(insertParty, "reason", party.Reason);
                Add(insertParty, "examples", party.Examples);
                Add(insertParty, "train_loss", RunStoreRules.NaNAsNull(party.TrainLoss));
                Add(insertParty, "bytes", party.Bytes);
                Add(insertParty, "trained_on_version", party.TrainedOnVersion);
                Add(insertParty, "applied_to_version", party.AppliedToVersion);
                Add(insertParty, "staleness", party.Staleness);
                Add(insertParty, "staleness_weight", party.StalenessWeight);
                await insertParty.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using (var insertCheckpoint = Command(
            connection,
            transaction,
            "INSERT INTO checkpoints (run_id, round, global_parameters, optimizer_state, privacy_state) VALUES (@run_id, @round, @global, @optimizer_state, @privacy_state)"))
        {
            Add(insertCheckpoint, "run_id", round.RunId);
            Add(insertCheckpoint, "round", round.Round);
            Add(insertCheckpoint, "global", global);
            Add(insertCheckpoint, "optimizer_state", optimizerState);
            Add(insertCheckpoint, "privacy_state", checkpoint.PrivacyState);
            await insertCheckpoint.ExecuteNonQueryAsync(cancellationToken);
        }

        if (options.CheckpointsToKeep is { } keep)
        {
            // Keep the newest `keep` checkpoints by round number, whatever order rounds were closed in.
            await using var prune = Command(
                connection,
                transaction,
                """
                DELETE FROM checkpoints WHERE run_id = @run_id AND round NOT IN (
                    SELECT round FROM checkpoints WHERE run_id = @run_id ORDER BY round DESC LIMIT @keep)
                """);
            Add(prune, "run_id", round.RunId);
            Add(prune, "keep", keep);
            await prune.ExecuteNonQueryAsync(cancellationToken);
        }

        if (BeforeCommit is { } beforeCommit)
        {
            await beforeCommit(round.Round, cancellationToken);
        }

        await FenceAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<RoundRecord>> GetRoundsAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);

        // One read transaction so the rounds and their party rows come from the same snapshot.
        await using var transaction = await dialect.BeginReadTransactionAsync(connection, cancellationToken);
        var partiesByRound = new Dictionary<int, List<PartyRoundRecord>>();
        await using (var command = Command(
            connection,
            transaction,
            """
            SELECT round, party_id, outcome, reason, examples, train_loss, bytes, trained_on_version, applied_to_version, staleness_weight
            FROM party_rounds WHERE run_id = @run_id ORDER BY round, position
            """))
        {
            Add(command, "run_id", runId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var number = reader.GetInt32(0);
                if (!partiesByRound.TryGetValue(number, out var parties))
                {
                    parties = [];
                    partiesByRound.Add(number, parties);
                }

                parties.Add(new PartyRoundRecord(
                    new PartyId(reader.GetString(1)),
                    ParsePartyOutcome(reader.GetString(2)),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetInt32(4),
                    NullableDouble(reader, 5),
                    reader.GetInt64(6),
                    reader.IsDBNull(7) ? null : reader.GetInt32(7),
                    reader.IsDBNull(8) ? null : reader.GetInt32(8),
                    NullableDouble(reader, 9)));
            }
        }

        var rounds = new List<RoundRecord>();
        await using (var command = Command(
            connection,
            transaction,
            """
            SELECT round, selected, participants, failures, succeeded, train_loss, eval_loss, accuracy, bytes, seconds, closed_at, privacy_json,
                   eval_examples, roc_auc, f1, rmse, mae, slowest_train_seconds, problem, party_evaluations_json
            FROM rounds WHERE run_id = @run_id ORDER BY round
            """))
        {
            Add(command, "run_id", runId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var number = reader.GetInt32(0);
                rounds.Add(new RoundRecord
                {
                    RunId = runId,
                    Round = number,
                    Selected = reader.GetInt32(1),
                    Participants = reader.GetInt32(2),
                    Failures = reader.GetInt32(3),
                    Succeeded = reader.GetBoolean(4),
                    TrainLoss = NullableDouble(reader, 5),
                    EvaluationLoss = NullableDouble(reader, 6),
                    Accuracy = NullableDouble(reader, 7),
                    Bytes = reader.GetInt64(8),
                    Seconds = reader.GetDouble(9),
                    ClosedAt = dialect.ReadTimestamp(reader, 10),
                    Privacy = RunStoreRules.DeserializePrivacy(reader.IsDBNull(11) ? null : reader.GetString(11)),
                    EvaluationExamples = reader.IsDBNull(12) ? null : reader.GetInt32(12),
                    RocAuc = NullableDouble(reader, 13),
                    F1 = NullableDouble(reader, 14),
                    Rmse = NullableDouble(reader, 15),
                    Mae = NullableDouble(reader, 16),
                    SlowestTrainSeconds = NullableDouble(reader, 17),
                    Problem = reader.IsDBNull(18) ? null : reader.GetString(18),
                    PartyEvaluations = RunStoreRules.DeserializePartyEvaluations(reader.IsDBNull(19) ? null : reader.GetString(19)),
                    Parties = partiesByRound.TryGetValue(number, out var parties) ? parties : [],
                });
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return rounds;
    }

    // Async like every other member, so a bad argument faults the returned task instead of throwing from the call.
    public async Task<StoredCheckpoint?> LoadLatestCheckpointAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        return await ReadCheckpointAsync(
            runId,
            "SELECT round, global_parameters, optimizer_state, privacy_state FROM checkpoints WHERE run_id = @run_id ORDER BY round DESC LIMIT 1",
            round: null,
            cancellationToken);
    }

    public async Task<StoredCheckpoint?> LoadCheckpointAsync(string runId, int round, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(round);
        return await ReadCheckpointAsync(
            runId,
            "SELECT round, global_parameters, optimizer_state, privacy_state FROM checkpoints WHERE run_id = @run_id AND round = @round",
            round,
            cancellationToken);
    }

    private async Task<StoredCheckpoint?> ReadCheckpointAsync(string runId, string sql, int? round, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, sql);
        Add(command, "run_id", runId);
        if (round is { } number)
        {
            Add(command, "round", number);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var closedRound = reader.GetInt32(0);
        var global = DecodeBlob(reader.GetFieldValue<byte[]>(1));
        var optimizerState = reader.IsDBNull(2) ? null : DecodeBlob(reader.GetFieldValue<byte[]>(2));
        var privacyState = reader.IsDBNull(3) ? null : reader.GetString(3);
        return new StoredCheckpoint(runId, closedRound, global, optimizerState, privacyState);
    }

    // Checkpoints are stored in the safetensors layout of model files (docs/storage.md), so any safetensors reader opens them.
    private static readonly Dictionary<string, string> BlobMetadata = new(StringComparer.Ordinal) { ["format"] = "causeway.parameters.v1" };

    private static byte[] EncodeBlob(ParameterSet parameters)
    {
        using var buffer = new MemoryStream(checked((parameters.Values.Length * sizeof(float)) + 4096));
        SafeTensorsFile.Write(buffer, parameters, BlobMetadata);
        return buffer.ToArray();
    }

    /// <exception cref="InvalidDataException">The blob is corrupt.</exception>
    private static ParameterSet DecodeBlob(byte[] blob)
    {
        using var stream = new MemoryStream(blob, writable: false);
        return SafeTensorsFile.Read(stream).Parameters;
    }
}
