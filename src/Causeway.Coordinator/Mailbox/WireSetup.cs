using Google.Protobuf;

namespace Causeway.Coordinator.Mailbox;

/// <summary>A run's setup as every task of the run sends it: the message, encoded once, and its digest.</summary>
/// <param name="Message">The <c>causeway.v1.RunSetup</c>.</param>
/// <param name="Digest">SHA-256 of <paramref name="Message"/>'s encoding (<c>PartyTask.setup_digest</c>); a party that names it in its
/// <c>PullTaskRequest</c> holds the setup already and gets tasks without it.</param>
internal sealed record WireSetup(Protocol.V1.RunSetup Message, ByteString Digest)
{
    public static WireSetup Of(Federation.Horizontal.RunSetup setup)
    {
        var message = Protocol.ContractMapping.ToProto(setup);
        return new WireSetup(message, ByteString.CopyFrom(System.Security.Cryptography.SHA256.HashData(message.ToByteArray())));
    }
}
