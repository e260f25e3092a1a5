using Causeway.Federation.Vertical.Alignment;
using Causeway.Protocol.V1;
using Google.Protobuf;

namespace Causeway.Protocol.Psi;

/// <summary>Maps PSI batches to and from <c>causeway.v1.PsiBatchMessage</c> (psi.proto), refusing malformed ones.</summary>
public static class PsiWire
{
    /// <summary>Largest payload accepted: a batch of the largest allowed size of 65-byte points.</summary>
    public const int MaxPayloadBytes = (1 << 22) * 65;

    /// <summary>The message carrying <paramref name="batch"/> of session <paramref name="sessionId"/> between the guest and host <paramref name="host"/>.</summary>
    public static PsiBatchMessage ToMessage(string sessionId, int host, PsiBatch batch)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentOutOfRangeException.ThrowIfNegative(host);
        ArgumentNullException.ThrowIfNull(batch);
        return new PsiBatchMessage
        {
            SessionId = sessionId,
            Host = host,
            Stream = ToProto(batch.Stream),
            Index = batch.Index,
            Last = batch.IsLast,
            Payload = ByteString.CopyFrom(batch.Payload.Span),
        };
    }

    /// <summary>The batch a received message carries.</summary>
    /// <exception cref="MalformedMessageException">No stream, a negative index or host, or an oversized payload.</exception>
    public static PsiBatch ToBatch(PsiBatchMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrEmpty(message.SessionId) || message.Host < 0 || message.Index < 0)
        {
            throw new MalformedMessageException($"A PSI batch needs a session id, a host >= 0 and an index >= 0 (got '{message.SessionId}', {message.Host}, {message.Index}).");
        }

        if (message.Payload.Length > MaxPayloadBytes)
        {
            throw new MalformedMessageException($"A PSI batch of {message.Payload.Length} bytes exceeds {MaxPayloadBytes}.");
        }

        return new PsiBatch(FromProto(message.Stream), message.Index, message.Last, message.Payload.Memory);
    }

    /// <summary>The wire's name of a stream.</summary>
    public static PsiStreamKind ToProto(PsiStream stream) => stream switch
    {
        PsiStream.GuestPoints => PsiStreamKind.PsiStreamGuestPoints,
        PsiStream.GuestTags => PsiStreamKind.PsiStreamGuestTags,
        PsiStream.HostPoints => PsiStreamKind.PsiStreamHostPoints,
        _ => PsiStreamKind.PsiStreamResult,
    };

    /// <summary>The stream a wire name denotes.</summary>
    /// <exception cref="MalformedMessageException">The name is unspecified or unknown.</exception>
    public static PsiStream FromProto(PsiStreamKind stream) => stream switch
    {
        PsiStreamKind.PsiStreamGuestPoints => PsiStream.GuestPoints,
        PsiStreamKind.PsiStreamGuestTags => PsiStream.GuestTags,
        PsiStreamKind.PsiStreamHostPoints => PsiStream.HostPoints,
        PsiStreamKind.PsiStreamResult => PsiStream.Result,
        _ => throw new MalformedMessageException($"A PSI message names no known stream ({stream})."),
    };
}
