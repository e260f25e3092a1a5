using Google.Protobuf;

namespace Causeway.Coordinator.Mailbox;

/// <summary>A run's setup as every task of the run sends it: the message, encoded once, and its digest.</summary>
/// <param name="Message">The <c>causeway.v1.RunSetup</c>.</param>
/// <param name="Digest">SHA-256 of <paramref name="Message"/>'s encoding (<c>PartyTask.setup_digest</c>); a party that names it in its
/// <c>PullTaskRequest</c> holds the setup already and gets tasks without it.</param>
/// <param name="Recommendation">True for a recommendation run: its train results are item updates of any layout (sparse rows), checked by the aggregator.</param>
internal sealed record WireSetup(Protocol.V1.RunSetup Message, ByteString Digest, bool Recommendation = false)
{
    public static WireSetup Of(Federation.Horizontal.RunSetup setup) => Of(Protocol.ContractMapping.ToProto(setup), recommendation: false);

    public static WireSetup Of(Federation.Recommendation.Network.RecommendationSetup setup) => Of(Protocol.ContractMapping.ToProto(setup), recommendation: true);

    private static WireSetup Of(Protocol.V1.RunSetup message, bool recommendation) =>
        new(message, ByteString.CopyFrom(System.Security.Cryptography.SHA256.HashData(message.ToByteArray())), recommendation);
}
