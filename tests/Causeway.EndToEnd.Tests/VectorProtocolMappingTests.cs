using System.Text.Json.Nodes;
using Causeway.Federation.Vectors;
using Google.Protobuf;
using Causeway.Protocol;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests;

/// <summary>The wire forms of an encoder install and of a party's federated search: round trips, and what is refused.</summary>
public sealed class VectorProtocolMappingTests
{
    [Fact]
    public void EncoderInstall_RoundTrips_AndAnEmptyModelIsRefused()
    {
        var install = new EncoderInstall("images", [1, 2, 3, 250]);
        var back = Assert.IsType<EncoderInstall>(ProtocolMapping.FromProto(V1.ProtocolMessage.Parser.ParseFrom(ProtocolMapping.ToProto(install).ToByteArray())));
        Assert.Equal("images", back.Collection);
        Assert.Equal([1, 2, 3, 250], back.Model);

        var empty = ProtocolMapping.ToProto(new EncoderInstall("images", []));
        Assert.StartsWith("An encoder install holds a field out of range", Assert.Throws<MalformedMessageException>(() => ProtocolMapping.FromProto(empty)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CollectionsReply_RoundTrips_AndANegativeCountIsRefused()
    {
        var reply = new CollectionsReply([new CollectionSummary("images", 512, "cosine", "hnsw", 10_000), new CollectionSummary("texts", 384, "ip", "flat", 0)], null);

        var back = Assert.IsType<CollectionsReply>(ProtocolMapping.FromProto(V1.ProtocolMessage.Parser.ParseFrom(ProtocolMapping.ToProto(reply).ToByteArray())));
        var request = ProtocolMapping.FromProto(V1.ProtocolMessage.Parser.ParseFrom(ProtocolMapping.ToProto(new CollectionsRequest()).ToByteArray()));

        Assert.Equal(reply.Collections, back.Collections);
        Assert.Null(back.Refusal);
        Assert.IsType<CollectionsRequest>(request);
        var negative = ProtocolMapping.ToProto(new CollectionsReply([new CollectionSummary("images", 512, "l2", "flat", -1)], null));
        Assert.Throws<MalformedMessageException>(() => ProtocolMapping.FromProto(negative));
    }

    [Fact]
    public void SearchRequest_TheQuerierIsTheAuthenticatedParty_WhateverTheSenderWrote()
    {
        var query = new VectorQuery("images", [0.5f, -1f], 3, 40, null, """{"shop": "north"}""", "someone-else");

        var received = ProtocolMapping.FromSearchRequest(V1.SearchRequest.Parser.ParseFrom(ProtocolMapping.ToSearchRequest(query, 2.5).ToByteArray()), "shop-a");

        Assert.Equal(query with { Querier = "shop-a" }, received with { Vector = query.Vector });
        Assert.Equal(query.Vector, received.Vector);
    }

    [Fact]
    public void SearchResponse_RoundTrips_AndAPayloadThatIsNotAnObjectIsRefused()
    {
        var result = new FederatedSearchResult(
            "images", 2,
            [new FederatedHit("shop-a", "img-1", 0.25f, new JsonObject { ["label"] = "Bag" }), new FederatedHit("shop-b", "img-9", null, null)],
            [new PartyAnswer("shop-a", "answered", 1, null), new PartyAnswer("shop-b", "refused", 0, "rate limit")],
            Partial: false, Milliseconds: 3.5);

        var back = ProtocolMapping.FromProto(V1.SearchResponse.Parser.ParseFrom(ProtocolMapping.ToProto(result).ToByteArray()), "images", 2);

        Assert.Equal(result.Hits.Select(h => (h.Party, h.Id, h.Distance, h.Payload?.ToJsonString())), back.Hits.Select(h => (h.Party, h.Id, h.Distance, h.Payload?.ToJsonString())));
        Assert.Equal(result.Parties, back.Parties);
        var bad = ProtocolMapping.ToProto(result);
        bad.Hits[0].PayloadJson = "[1, 2]";
        Assert.Throws<MalformedMessageException>(() => ProtocolMapping.FromProto(bad, "images", 2));
    }
}
