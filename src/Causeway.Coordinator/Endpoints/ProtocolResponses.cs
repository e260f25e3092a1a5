using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Causeway.Protocol.V1;
using WireError = Causeway.Protocol.V1.Error;

namespace Causeway.Coordinator.Endpoints;

/// <summary>Writes protobuf response bodies.</summary>
internal static class ProtocolResponses
{
    public static async Task WriteAsync(HttpContext context, IMessage message, int status = StatusCodes.Status200OK)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = Protocol.CausewayProtocol.ContentType;
        response.ContentLength = message.CalculateSize();
        await response.StartAsync(context.RequestAborted).ConfigureAwait(false);

        // Serialises straight into Kestrel's output pipe: one copy of the message per in-flight response.
        // Protobuf's buffer-writer path calls Advance(0) before its first GetSpan, which Kestrel refuses
        // unless memory was leased first, so lease it.
        _ = response.BodyWriter.GetSpan();
        message.WriteTo(response.BodyWriter);
        await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Writes an Error; its status follows from the reason (docs/protocol.md, "Errors"), so the two never disagree.</summary>
    public static Task WriteErrorAsync(HttpContext context, ErrorReason reason, string message)
    {
        var status = StatusOf(reason);
        return WriteAsync(context, new WireError { Code = status, Message = message, Reason = reason }, status);
    }

    /// <summary>The HTTP status of each reason.</summary>
    public static int StatusOf(ErrorReason reason) => reason switch
    {
        ErrorReason.MalformedMessage or ErrorReason.InvalidPartyId or ErrorReason.InvalidDataDescription or ErrorReason.ResultRefused
            => StatusCodes.Status400BadRequest,
        ErrorReason.NotAuthenticated or ErrorReason.SessionReplaced => StatusCodes.Status401Unauthorized,
        ErrorReason.Forbidden => StatusCodes.Status403Forbidden,
        ErrorReason.NotFound => StatusCodes.Status404NotFound,
        ErrorReason.MethodNotAllowed => StatusCodes.Status405MethodNotAllowed,
        ErrorReason.PartyIdInUse or ErrorReason.RoundClosed or ErrorReason.DuplicateOfAccepted or ErrorReason.DuplicateOfRefused
            or ErrorReason.ResultInProgress or ErrorReason.TaskNotDelivered or ErrorReason.NoParty => StatusCodes.Status409Conflict,
        ErrorReason.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorReason.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        _ => StatusCodes.Status500InternalServerError,
    };
}
