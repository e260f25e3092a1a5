using Google.Protobuf;
using Microsoft.AspNetCore.Http;
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

    public static Task WriteErrorAsync(HttpContext context, int status, string message, Protocol.V1.ErrorReason reason) =>
        WriteAsync(context, new WireError { Code = status, Message = message, Reason = reason }, status);
}
