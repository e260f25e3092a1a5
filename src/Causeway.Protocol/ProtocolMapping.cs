using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Protection;
using Causeway.Federation.Recommendation.Popularity;
using Causeway.Federation.Vectors;
using Causeway.Federation.Vertical.Network;
using Causeway.Privacy.SecureAggregation;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.Protocol;

/// <summary>Maps protocol-step messages (<see cref="ProtocolMessage"/>) to and from <c>causeway.v1.ProtocolMessage</c> (secure.proto); vertical jobs' through <see cref="VerticalMapping"/>.</summary>
/// <remarks>
/// Decoding checks the shape only (a case is set, counts and enums in range, whole ring elements); the protocol's own
/// checks (share authentication, ciphertext range, vector length) are the round's and the party's, so that a bad
/// value becomes a failure naming the party rather than a transport error.
/// </remarks>
public static class ProtocolMapping
{
    public static V1.ProtocolMessage ToProto(ProtocolMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message switch
        {
            SecureAggregationAdvertise a => new() { SecaggAdvertise = ToProto(a) },
            SecureAggregationKeys k => new() { SecaggKeys = ToProto(k.Keys) },
            SecureAggregationShareKeys s => new() { SecaggShareKeys = new V1.SecAggKeyDirectory { Keys = { s.Directory.Keys.Select(ToProto) } } },
            SecureAggregationShares s => new() { SecaggShares = new V1.SecAggShareBundle { Party = s.Bundle.Party, Shares = { s.Bundle.Shares.Select(ToProto) } } },
            SecureAggregationMask m => new() { SecaggMask = new V1.SecAggShareDelivery { To = m.Delivery.To, Shares = { m.Delivery.Shares.Select(ToProto) }, WeightCap = m.WeightCap ?? 0 } },
            SecureAggregationMasked m => new() { SecaggMasked = new V1.SecAggMaskedInput { Party = m.Input.Party, Values = RingBytes(m.Input.Values) } },
            SecureAggregationUnmask u => new() { SecaggUnmask = ToProto(u.Request) },
            SecureAggregationConfirm c => new() { SecaggConfirm = ToProto(c.Request) },
            SecureAggregationConfirmed c => new() { SecaggConfirmed = ToProto(c.Signature) },
            SecureAggregationUnmasked u => new() { SecaggUnmasked = ToProto(u.Response) },
            PaillierKeyRequest r => new() { PaillierKeyRequest = new V1.PaillierKeyRequest { KeyBits = r.KeyBits } },
            PaillierPublicKeyReply k => new() { PaillierKey = new V1.PaillierPublicKey { Key = ByteString.CopyFrom(k.PublicKey) } },
            PaillierEncrypt e => new() { PaillierEncrypt = new V1.PaillierPublicKey { Key = ByteString.CopyFrom(e.PublicKey), WeightCap = e.WeightCap ?? 0 } },
            PaillierCiphertexts { Decrypt: false } c => new() { PaillierEncrypted = ToProto(c) },
            PaillierCiphertexts c => new() { PaillierDecrypt = ToProto(c) },
            PaillierDecryptedSum s => new() { PaillierSum = new V1.PaillierPlainSum { Values = { s.Sum } } },
            VerticalMessage v => new() { Vertical = VerticalMapping.ToProto(v) },
            PopularItemsRequest r => new() { PopularItems = new V1.PopularItemsRequest { Items = r.Items, Catalogue = r.Catalogue, MaxItemsPerUser = r.MaxItemsPerUser, NoiseStddev = r.NoiseStandardDeviation } },
            NoisyItemCounts c => new() { NoisyItemCounts = new V1.NoisyItemCounts { Counts = { c.Counts } } },
            VectorQuery q => new()
            {
                VectorQuery = new V1.VectorQuery
                {
                    Collection = q.Collection, Vector = { q.Vector }, K = q.K, Ef = q.Ef ?? 0, Nprobe = q.Nprobe ?? 0, FilterJson = q.FilterJson ?? string.Empty, Querier = q.Querier,
                },
            },
            VectorAnswer a => new()
            {
                VectorAnswer = new V1.VectorAnswer
                {
                    Refusal = a.Refusal ?? string.Empty,
                    Hits = { a.Hits.Select(h => new V1.VectorHit { Id = h.Id, HasDistance = h.Distance is not null, Distance = h.Distance ?? 0, PayloadJson = h.PayloadJson ?? string.Empty }) },
                },
            },
            CollectionsRequest => new() { CollectionsRequest = new V1.CollectionsRequest() },
            CollectionsReply r => new()
            {
                CollectionsReply = new V1.CollectionsReply
                {
                    Refusal = r.Refusal ?? string.Empty,
                    Collections = { r.Collections.Select(c => new V1.CollectionSummary { Name = c.Name, Dimension = c.Dimension, Metric = c.Metric, Index = c.Index, Records = c.Records }) },
                },
            },
            MomentsRequest r => new() { MomentsRequest = new V1.MomentsRequest { Collection = r.Collection, Coarse = { r.Coarse ?? [] }, Start = r.Start, Length = r.Length } },
            MomentsReply r => new() { MomentsReply = new V1.MomentsReply { Sum = { r.Sum }, SumSquares = { r.SumSquares }, Count = r.Count, Refusal = r.Refusal ?? string.Empty } },
            CentroidStatsRequest r => new()
            {
                CentroidStatsRequest = new V1.CentroidStatsRequest
                {
                    Collection = r.Collection, Centroids = { r.Centroids }, Coarse = { r.Coarse ?? [] }, Start = r.Start, Length = r.Length, MinCount = r.MinCount,
                },
            },
            CentroidStatsReply r => new() { CentroidStatsReply = new V1.CentroidStatsReply { Sums = { r.Sums }, Counts = { r.Counts }, Refusal = r.Refusal ?? string.Empty } },
            CodebookInstall r => new()
            {
                CodebookInstall = new V1.CodebookInstall { Collection = r.Collection, Lists = r.Lists, SubQuantizers = r.SubQuantizers, Centroids = { r.Centroids }, Codebooks = { r.Codebooks } },
            },
            CodebookInstalled r => new() { CodebookInstalled = new V1.CodebookInstalled { Records = r.Records, Refusal = r.Refusal ?? string.Empty } },
            EncoderInstall r => new() { EncoderInstall = new V1.EncoderInstall { Collection = r.Collection, Model = Google.Protobuf.ByteString.CopyFrom(r.Model) } },
            EncoderInstalled r => new() { EncoderInstalled = new V1.EncoderInstalled { Width = r.Width, Refusal = r.Refusal ?? string.Empty } },
            EvaluationReport r => new() { EvaluationReport = ToProto(r) },
            EvaluationReportReceived => new() { EvaluationReportReceived = new V1.EvaluationReportReceived() },
            MaskedStatisticsRequest r => new()
            {
                MaskedStatisticsRequest = new V1.MaskedStatisticsRequest
                {
                    Statistics = ToProto(r.Statistics),
                    Delivery = ToProto(r.Mask).SecaggMask,
                    Bound = r.Bound,
                    Total = r.Total,
                    Scale = r.Scale,
                },
            },
            MaskedScoresRequest r => new()
            {
                MaskedScoresRequest = new V1.MaskedScoresRequest { Delivery = ToProto(new SecureAggregationMask(r.Delivery)).SecaggMask, Bins = r.Bins, MaxCount = r.MaxCount },
            },
            _ => throw new ArgumentException($"No wire form for {message.GetType().Name}.", nameof(message)),
        };
    }

    /// <exception cref="MalformedMessageException">No case is set, or a field is out of range.</exception>
    public static ProtocolMessage FromProto(V1.ProtocolMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.MessageCase switch
        {
            V1.ProtocolMessage.MessageOneofCase.SecaggAdvertise => FromProto(message.SecaggAdvertise),
            V1.ProtocolMessage.MessageOneofCase.SecaggKeys => new SecureAggregationKeys(FromProto(message.SecaggKeys)),
            V1.ProtocolMessage.MessageOneofCase.SecaggShareKeys => new SecureAggregationShareKeys(new KeyDirectory([.. message.SecaggShareKeys.Keys.Select(FromProto)])),
            V1.ProtocolMessage.MessageOneofCase.SecaggShares => new SecureAggregationShares(new ShareBundle(message.SecaggShares.Party, [.. message.SecaggShares.Shares.Select(FromProto)])),
            V1.ProtocolMessage.MessageOneofCase.SecaggMask => new SecureAggregationMask(
                new ShareDelivery(message.SecaggMask.To, [.. message.SecaggMask.Shares.Select(FromProto)]), WeightCap(message.SecaggMask.WeightCap)),
            V1.ProtocolMessage.MessageOneofCase.SecaggMasked => new SecureAggregationMasked(new MaskedInput(message.SecaggMasked.Party, RingValues(message.SecaggMasked.Values))),
            V1.ProtocolMessage.MessageOneofCase.SecaggUnmask => new SecureAggregationUnmask(FromProto(message.SecaggUnmask)),
            V1.ProtocolMessage.MessageOneofCase.SecaggConfirm => new SecureAggregationConfirm(FromProto(message.SecaggConfirm)),
            V1.ProtocolMessage.MessageOneofCase.SecaggConfirmed => new SecureAggregationConfirmed(FromProto(message.SecaggConfirmed)),
            V1.ProtocolMessage.MessageOneofCase.SecaggUnmasked => new SecureAggregationUnmasked(FromProto(message.SecaggUnmasked)),
            V1.ProtocolMessage.MessageOneofCase.PaillierKeyRequest => new PaillierKeyRequest(message.PaillierKeyRequest.KeyBits),
            V1.ProtocolMessage.MessageOneofCase.PaillierKey => new PaillierPublicKeyReply(message.PaillierKey.Key.ToByteArray()),
            V1.ProtocolMessage.MessageOneofCase.PaillierEncrypt => new PaillierEncrypt(message.PaillierEncrypt.Key.ToByteArray(), WeightCap(message.PaillierEncrypt.WeightCap)),
            V1.ProtocolMessage.MessageOneofCase.PaillierEncrypted => FromProto(message.PaillierEncrypted, decrypt: false),
            V1.ProtocolMessage.MessageOneofCase.PaillierDecrypt => FromProto(message.PaillierDecrypt, decrypt: true),
            V1.ProtocolMessage.MessageOneofCase.PaillierSum => new PaillierDecryptedSum([.. message.PaillierSum.Values]),
            V1.ProtocolMessage.MessageOneofCase.Vertical => VerticalMapping.FromProto(message.Vertical),
            V1.ProtocolMessage.MessageOneofCase.PopularItems => FromProto(message.PopularItems),
            V1.ProtocolMessage.MessageOneofCase.NoisyItemCounts => message.NoisyItemCounts.Counts.All(double.IsFinite)
                ? new NoisyItemCounts([.. message.NoisyItemCounts.Counts])
                : throw new MalformedMessageException("Noisy item counts must be finite numbers."),
            V1.ProtocolMessage.MessageOneofCase.VectorQuery => FromProto(message.VectorQuery),
            V1.ProtocolMessage.MessageOneofCase.VectorAnswer => FromProto(message.VectorAnswer),
            V1.ProtocolMessage.MessageOneofCase.CollectionsRequest => new CollectionsRequest(),
            V1.ProtocolMessage.MessageOneofCase.CollectionsReply => Checked(
                new CollectionsReply(
                    [.. message.CollectionsReply.Collections.Select(c => new CollectionSummary(c.Name, c.Dimension, c.Metric, c.Index, c.Records))],
                    Refusal(message.CollectionsReply.Refusal)),
                r => r.Collections.Count <= 1_000
                    && r.Collections.All(c => c.Name.Length is >= 1 and <= 64 && c.Dimension >= 1 && c.Records >= 0 && c.Metric.Length <= 16 && c.Index.Length <= 16)),
            V1.ProtocolMessage.MessageOneofCase.MomentsRequest => Checked(
                new MomentsRequest(message.MomentsRequest.Collection, Optional(message.MomentsRequest.Coarse), message.MomentsRequest.Start, message.MomentsRequest.Length),
                r => r.Start >= 0 && r.Length >= 0 && r.Length <= 65_536 && r.Collection.Length is >= 1 and <= 64),
            V1.ProtocolMessage.MessageOneofCase.MomentsReply => Checked(
                new MomentsReply([.. message.MomentsReply.Sum], [.. message.MomentsReply.SumSquares], message.MomentsReply.Count, Refusal(message.MomentsReply.Refusal)),
                r => r.Count >= 0 && r.Sum.Length == r.SumSquares.Length && r.Sum.All(double.IsFinite) && r.SumSquares.All(double.IsFinite)),
            V1.ProtocolMessage.MessageOneofCase.CentroidStatsRequest => Checked(
                new CentroidStatsRequest(
                    message.CentroidStatsRequest.Collection, [.. message.CentroidStatsRequest.Centroids], Optional(message.CentroidStatsRequest.Coarse),
                    message.CentroidStatsRequest.Start, message.CentroidStatsRequest.Length, message.CentroidStatsRequest.MinCount),
                r => r.Start >= 0 && r.Length >= 1 && r.MinCount >= 1 && r.Centroids.Length > 0 && r.Centroids.Length % r.Length == 0 && r.Centroids.All(float.IsFinite)),
            V1.ProtocolMessage.MessageOneofCase.CentroidStatsReply => Checked(
                new CentroidStatsReply([.. message.CentroidStatsReply.Sums], [.. message.CentroidStatsReply.Counts], Refusal(message.CentroidStatsReply.Refusal)),
                r => r.Counts.All(c => c >= 0) && r.Sums.All(double.IsFinite) && (r.Counts.Length == 0 || r.Sums.Length % r.Counts.Length == 0)),
            V1.ProtocolMessage.MessageOneofCase.CodebookInstall => Checked(
                new CodebookInstall(
                    message.CodebookInstall.Collection, message.CodebookInstall.Lists, message.CodebookInstall.SubQuantizers,
                    [.. message.CodebookInstall.Centroids], [.. message.CodebookInstall.Codebooks]),
                r => r.Lists >= 1 && r.SubQuantizers >= 0 && r.Centroids.Length % r.Lists == 0 && r.Centroids.All(float.IsFinite) && r.Codebooks.All(float.IsFinite)),
            V1.ProtocolMessage.MessageOneofCase.CodebookInstalled => new CodebookInstalled(message.CodebookInstalled.Records, Refusal(message.CodebookInstalled.Refusal)),
            V1.ProtocolMessage.MessageOneofCase.EncoderInstall => Checked(
                new EncoderInstall(message.EncoderInstall.Collection, message.EncoderInstall.Model.ToByteArray()),
                r => r.Collection.Length is >= 1 and <= 64 && r.Model.Length is > 0 and <= EncoderInstall.MaxModelBytes),
            V1.ProtocolMessage.MessageOneofCase.EvaluationReport => FromProto(message.EvaluationReport),
            V1.ProtocolMessage.MessageOneofCase.EvaluationReportReceived => new EvaluationReportReceived(),
            V1.ProtocolMessage.MessageOneofCase.MaskedStatisticsRequest => Checked(
                new MaskedStatisticsRequest(
                    message.MaskedStatisticsRequest.Statistics is { } inner ? FromProto(inner) : throw new MalformedMessageException("A masked statistics request holds no statistics request."),
                    (SecureAggregationMask)FromProto(new V1.ProtocolMessage { SecaggMask = message.MaskedStatisticsRequest.Delivery ?? new V1.SecAggShareDelivery() }),
                    message.MaskedStatisticsRequest.Bound, message.MaskedStatisticsRequest.Total, message.MaskedStatisticsRequest.Scale),
                r => r.Statistics is MomentsRequest or CentroidStatsRequest && double.IsFinite(r.Bound) && r.Bound > 0 && r.Total > 0 && double.IsFinite(r.Scale) && r.Scale >= 1),
            V1.ProtocolMessage.MessageOneofCase.MaskedScoresRequest => Checked(
                new MaskedScoresRequest(
                    ((SecureAggregationMask)FromProto(new V1.ProtocolMessage { SecaggMask = message.MaskedScoresRequest.Delivery ?? new V1.SecAggShareDelivery() })).Delivery,
                    message.MaskedScoresRequest.Bins,
                    message.MaskedScoresRequest.MaxCount),
                r => r.Bins is >= 2 and <= MaskedScoresRequest.MaxBins && r.MaxCount >= 1 && r.MaxCount <= uint.MaxValue),
            V1.ProtocolMessage.MessageOneofCase.EncoderInstalled => Checked(
                new EncoderInstalled(message.EncoderInstalled.Width, Refusal(message.EncoderInstalled.Refusal)), r => r.Width >= 0),
            _ => throw new MalformedMessageException("The protection message holds no known case."),
        };
    }

    private static T Checked<T>(T message, Func<T, bool> valid)
        where T : ProtocolMessage =>
        valid(message) ? message : throw new MalformedMessageException($"{("aeiou".Contains(message.Name[0], StringComparison.Ordinal) ? "An" : "A")} {message.Name} holds a field out of range.");

    /// <summary>A party's federated query (its querier is set by the coordinator from the session, not sent).</summary>
    public static V1.SearchRequest ToSearchRequest(VectorQuery query, double deadlineSeconds)
    {
        ArgumentNullException.ThrowIfNull(query);
        return new V1.SearchRequest { Query = ToProto(query).VectorQuery, DeadlineSeconds = deadlineSeconds };
    }

    /// <summary>The query a party asked, with <paramref name="querier"/> (the authenticated party) as its querier.</summary>
    /// <exception cref="MalformedMessageException">The query is missing or malformed (the message names the field).</exception>
    public static VectorQuery FromSearchRequest(V1.SearchRequest request, string querier)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Query is null)
        {
            throw new MalformedMessageException("A search request holds no query.");
        }

        request.Query.Querier = querier;
        return FromProto(request.Query);
    }

    public static V1.EvaluationReport ToProto(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new V1.EvaluationReport
        {
            Round = report.Round, Federation = ContractMapping.ToProto(report.Federation), Yours = report.Yours is null ? null : ContractMapping.ToProto(report.Yours),
        };
    }

    /// <exception cref="MalformedMessageException">The report holds no federation metrics.</exception>
    public static EvaluationReport FromProto(V1.EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new EvaluationReport(
            report.Round,
            (report.Federation is { } federation ? ContractMapping.FromProto(federation) : null)
                ?? throw new MalformedMessageException("An evaluation report holds no federation metrics."),
            report.Yours is { } yours ? ContractMapping.FromProto(yours) : null);
    }

    public static V1.SearchResponse ToProto(FederatedSearchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var response = new V1.SearchResponse { Partial = result.Partial, Milliseconds = result.Milliseconds };
        response.Hits.AddRange(result.Hits.Select(h => new V1.SearchHit
        {
            Party = h.Party, Id = h.Id, HasDistance = h.Distance is not null, Distance = h.Distance ?? 0, PayloadJson = h.Payload?.ToJsonString() ?? string.Empty,
        }));
        response.Parties.AddRange(result.Parties.Select(p => new V1.SearchParty { Party = p.Party, Status = p.Status, Hits = p.Hits, Reason = p.Reason ?? string.Empty }));
        return response;
    }

    /// <exception cref="MalformedMessageException">A payload is not a JSON object or a distance is not finite.</exception>
    public static FederatedSearchResult FromProto(V1.SearchResponse response, string collection, int k)
    {
        ArgumentNullException.ThrowIfNull(response);
        try
        {
            return new FederatedSearchResult(
                collection,
                k,
                [.. response.Hits.Select(h => new FederatedHit(
                    h.Party, h.Id, h.HasDistance ? (float.IsFinite(h.Distance) ? h.Distance : throw new MalformedMessageException("A search hit's distance is not finite.")) : null,
                    h.PayloadJson.Length == 0 ? null : System.Text.Json.Nodes.JsonNode.Parse(h.PayloadJson) as System.Text.Json.Nodes.JsonObject
                        ?? throw new MalformedMessageException("A search hit's payload is not a JSON object.")))],
                [.. response.Parties.Select(p => new PartyAnswer(p.Party, p.Status, p.Hits, p.Reason.Length == 0 ? null : p.Reason))],
                response.Partial,
                response.Milliseconds);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new MalformedMessageException($"A search hit's payload is not JSON: {e.Message}");
        }
    }

    private static float[]? Optional(Google.Protobuf.Collections.RepeatedField<float> values) => values.Count == 0 ? null : [.. values];

    private static string? Refusal(string refusal) => refusal.Length == 0 ? null : refusal;

    private static VectorQuery FromProto(V1.VectorQuery q)
    {
        var query = new VectorQuery(
            q.Collection, [.. q.Vector], q.K, q.Ef == 0 ? null : q.Ef, q.Nprobe == 0 ? null : q.Nprobe, q.FilterJson.Length == 0 ? null : q.FilterJson, q.Querier);
        return query.DescribeProblem() is { } problem ? throw new MalformedMessageException($"A vector query is malformed: {problem}.") : query;
    }

    private static VectorAnswer FromProto(V1.VectorAnswer a)
    {
        if (a.Hits.Count > VectorQuery.MaxK || a.Hits.Any(h => h.Id.Length is 0 or > 256 || (h.HasDistance && !float.IsFinite(h.Distance))))
        {
            throw new MalformedMessageException($"A vector answer holds more than {VectorQuery.MaxK} hits, an id that is empty or over 256 characters, or a distance that is not finite.");
        }

        return new VectorAnswer(
            [.. a.Hits.Select(h => new VectorHit(h.Id, h.HasDistance ? h.Distance : null, h.PayloadJson.Length == 0 ? null : h.PayloadJson))],
            a.Refusal.Length == 0 ? null : a.Refusal);
    }

    private static PopularItemsRequest FromProto(V1.PopularItemsRequest request) =>
        request.Items is >= 1 and <= Federation.Recommendation.ItemModel.MaxItems && request.MaxItemsPerUser >= 1
            && request.NoiseStddev > 0 && double.IsFinite(request.NoiseStddev) && request.Catalogue.Length == 64
            ? new PopularItemsRequest(request.Items, request.Catalogue, request.MaxItemsPerUser, request.NoiseStddev)
            : throw new MalformedMessageException("A popular-items request needs 1 to 2^24 items, a catalogue digest, at least one item per user and a positive noise.");

    private static double? WeightCap(double cap) =>
        cap == 0 ? null : cap >= 1 && double.IsFinite(cap) ? cap : throw new MalformedMessageException($"Invalid weight cap {cap}: 0 (uniform) or a number of examples, at least 1.");

    private static SecureAggregationAdvertise FromProto(V1.SecAggSession s)
    {
        if (s.Parties < 2 || s.Threshold < 2 || s.Length < 1 || s.Index < 0 || s.Index >= s.Parties)
        {
            throw new MalformedMessageException($"Invalid secure aggregation session: {s.Parties} parties, threshold {s.Threshold}, length {s.Length}, index {s.Index}.");
        }

        if (s.Degree < 0 || s.Degree % 2 != 0)
        {
            throw new MalformedMessageException($"Invalid secure aggregation degree {s.Degree}: 0 (every party a neighbour) or an even number of neighbours.");
        }

        return new SecureAggregationAdvertise(
            s.Label, s.Parties, s.Threshold, s.Length, s.Scale, s.ClipBound, s.Index, s.Degree == 0 ? null : s.Degree, s.Authenticated,
            s.Authenticated ? [.. s.Roster.Select(c => new PartyCredential(c.Index, PartyIdOf(c.PartyId), c.Certificate.ToByteArray()))] : null);
    }

    private static V1.SecAggSession ToProto(SecureAggregationAdvertise a) => new()
    {
        Label = a.Label,
        Parties = a.Parties,
        Threshold = a.Threshold,
        Length = a.Length,
        Scale = a.Scale,
        ClipBound = a.ClipBound,
        Index = a.Index,
        Degree = a.Degree ?? 0,
        Authenticated = a.Authenticated,
        Roster = { (a.Roster ?? []).Select(c => new V1.SecAggCredential { Index = c.Index, PartyId = c.Party.Value, Certificate = ByteString.CopyFrom(c.Certificate) }) },
    };

    private static PartyId PartyIdOf(string id) =>
        PartyId.IsValid(id) ? new PartyId(id) : throw new MalformedMessageException($"Invalid party id in a secure aggregation roster: {PartyId.Rule}.");

    private static V1.SecAggUnmaskRequest ToProto(UnmaskingRequest request) => new()
    {
        Survivors = { request.Survivors },
        Signatures = { (request.Signatures ?? []).Select(ToProto) },
    };

    // A request without signatures is the unauthenticated form; the party refuses it in an authenticated session.
    private static UnmaskingRequest FromProto(V1.SecAggUnmaskRequest request) =>
        new([.. request.Survivors], request.Signatures.Count == 0 ? null : [.. request.Signatures.Select(FromProto)]);

    private static V1.SecAggSurvivorSignature ToProto(SurvivorSignature signature) =>
        new() { Party = signature.Party, View = { signature.View }, Signature = ByteString.CopyFrom(signature.Signature) };

    private static SurvivorSignature FromProto(V1.SecAggSurvivorSignature signature) => new(signature.Party, [.. signature.View], signature.Signature.ToByteArray());

    private static V1.SecAggPublicKeys ToProto(AdvertisedKeys keys) => new()
    {
        Party = keys.Party,
        MaskPublicKey = ByteString.CopyFrom(keys.MaskPublicKey),
        SharePublicKey = ByteString.CopyFrom(keys.SharePublicKey),
        Signature = keys.Signature is null ? ByteString.Empty : ByteString.CopyFrom(keys.Signature),
    };

    private static AdvertisedKeys FromProto(V1.SecAggPublicKeys keys) =>
        new(keys.Party, keys.MaskPublicKey.ToByteArray(), keys.SharePublicKey.ToByteArray(), keys.Signature.IsEmpty ? null : keys.Signature.ToByteArray());

    private static V1.SecAggSealedShare ToProto(EncryptedShare share) => new() { From = share.From, To = share.To, Ciphertext = ByteString.CopyFrom(share.Ciphertext) };

    private static EncryptedShare FromProto(V1.SecAggSealedShare share) => new(share.From, share.To, share.Ciphertext.ToByteArray());

    private static V1.SecAggUnmaskResponse ToProto(UnmaskingResponse response) => new()
    {
        Party = response.Party,
        Shares = { response.Shares.Select(s => new V1.SecAggRevealedShare { Owner = s.Owner, Kind = (int)s.Kind, Chunks = { s.Chunks } }) },
    };

    private static UnmaskingResponse FromProto(V1.SecAggUnmaskResponse response) => new(
        response.Party,
        [.. response.Shares.Select(s => new RevealedShare(
            s.Owner,
            s.Kind is (int)SecretKind.SelfMaskSeed or (int)SecretKind.MaskPrivateKey ? (SecretKind)s.Kind : throw new MalformedMessageException($"Unknown secret kind {s.Kind}."),
            [.. s.Chunks]))]);

    private static V1.PaillierCiphertexts ToProto(PaillierCiphertexts c) => new()
    {
        Length = c.Length,
        Summands = c.Summands,
        Ciphertexts = { c.Ciphertexts.Select(ByteString.CopyFrom) },
    };

    private static PaillierCiphertexts FromProto(V1.PaillierCiphertexts c, bool decrypt) =>
        c.Length < 0 || c.Summands < 1
            ? throw new MalformedMessageException($"Invalid ciphertext vector: length {c.Length}, {c.Summands} summands.")
            : new PaillierCiphertexts(c.Length, c.Summands, [.. c.Ciphertexts.Select(b => b.ToByteArray())], decrypt);

    private static ByteString RingBytes(uint[] values)
    {
        var bytes = new byte[values.Length * sizeof(uint)];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(bytes);
        }
        else
        {
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * sizeof(uint)), values[i]);
            }
        }

        return UnsafeByteOperations.UnsafeWrap(bytes);
    }

    private static uint[] RingValues(ByteString bytes)
    {
        if (bytes.Length % sizeof(uint) != 0)
        {
            throw new MalformedMessageException($"A masked vector is whole little-endian uint32 elements; got {bytes.Length} bytes.");
        }

        var values = new uint[bytes.Length / sizeof(uint)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Span[(i * sizeof(uint))..]);
        }

        return values;
    }
}
