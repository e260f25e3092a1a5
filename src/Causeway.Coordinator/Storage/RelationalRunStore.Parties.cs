using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Causeway.Core.Tensors;
using Causeway.Federation;

namespace Causeway.Coordinator.Storage;

/// <summary>The party registry.</summary>
internal sealed partial class RelationalRunStore
{
    public async Task<PartyRecord> UpsertPartyAsync(string federation, PartyId party, string tokenHash, DateTimeOffset lastSeen, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(federation);
        ArgumentException.ThrowIfNullOrWhiteSpace(party.Value, nameof(party));
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenHash);

        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            """
            INSERT INTO parties (federation, party_id, token_hash, registered_at, last_seen)
            VALUES (@federation, @party_id, @token_hash, @last_seen, @last_seen)
            ON CONFLICT (federation, party_id) DO UPDATE SET token_hash = excluded.token_hash, last_seen = excluded.last_seen
            RETURNING federation, party_id, token_hash, registered_at, last_seen
            """);
        Add(command, "federation", federation);
        Add(command, "party_id", party.Value);
        Add(command, "token_hash", tokenHash);
        Add(command, "last_seen", dialect.ToTimestamp(RunStoreRules.Truncate(lastSeen)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var read = await reader.ReadAsync(cancellationToken);
        Debug.Assert(read, "RETURNING yields the upserted row.");
        return ReadParty(reader);
    }

    public async Task<PartyRecord?> GetPartyAsync(string federation, PartyId party, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(federation);
        ArgumentException.ThrowIfNullOrWhiteSpace(party.Value, nameof(party));
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            "SELECT federation, party_id, token_hash, registered_at, last_seen FROM parties WHERE federation = @federation AND party_id = @party_id");
        Add(command, "federation", federation);
        Add(command, "party_id", party.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadParty(reader) : null;
    }

    public async Task<IReadOnlyList<PartyRecord>> ListPartiesAsync(string federation, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(federation);
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            "SELECT federation, party_id, token_hash, registered_at, last_seen FROM parties WHERE federation = @federation ORDER BY party_id");
        Add(command, "federation", federation);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var parties = new List<PartyRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            parties.Add(ReadParty(reader));
        }

        return parties;
    }

    private PartyRecord ReadParty(DbDataReader reader) => new(
        reader.GetString(0),
        new PartyId(reader.GetString(1)),
        reader.GetString(2),
        dialect.ReadTimestamp(reader, 3),
        dialect.ReadTimestamp(reader, 4));
}
