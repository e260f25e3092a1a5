using System.IO.Pipelines;
using System.Runtime.InteropServices;
using Causeway.Core.Tensors;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using V1 = Causeway.Protocol.V1;

namespace Causeway.Coordinator.Endpoints;

/// <summary>
/// Streams a response carrying a task (a <c>PullTaskResponse</c>, or a <c>PushResultResponse</c> with the next task),
/// flushing as it goes, so a response never buffers more than about one slice of the model however large the model
/// is and however many parties pull at once.
/// </summary>
/// <remarks>
/// Protobuf merges concatenated messages: embedded messages merge field by field and repeated fields append.
/// The body is therefore a sequence of fragments of the response message — first the response with every task field
/// except the global tensors, then one per tensor, each <c>{task {global {tensors [tensor]}}}</c> — which any
/// protobuf parser reads as the single message. A tensor fragment's bytes are written by hand so its data can be
/// copied from the shared global model in slices, with a flush (HTTP/2 flow control) between slices.
/// </remarks>
internal static class TaskResponseWriter
{
    private const int SliceBytes = 1024 * 1024;

    /// <param name="context">The request being answered.</param>
    /// <param name="first">The response message with everything but the global tensors; its <paramref name="taskField"/> holds the task.</param>
    /// <param name="taskField">The response message's field number of the <c>PartyTask</c>.</param>
    /// <param name="global">The global parameters the task carries.</param>
    public static async Task WriteAsync(HttpContext context, IMessage first, int taskField, ParameterSet global)
    {
        var response = context.Response;
        var cancellationToken = context.RequestAborted;
        var tensorHeaders = new byte[global.Layout.Tensors.Count][];
        long total = first.CalculateSize();
        for (var i = 0; i < tensorHeaders.Length; i++)
        {
            var spec = global.Layout.Tensors[i];
            var tensor = new V1.Tensor { Name = spec.Name };
            tensor.Shape.AddRange(spec.Shape);
            tensorHeaders[i] = tensor.ToByteArray();
            total += FragmentPrefix(taskField, tensorHeaders[i], (long)spec.Length * sizeof(float)).Length + ((long)spec.Length * sizeof(float));
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = Protocol.CausewayProtocol.ContentType;
        response.ContentLength = total;
        await response.StartAsync(cancellationToken).ConfigureAwait(false);
        var writer = response.BodyWriter;
        await writer.WriteAsync(first.ToByteArray(), cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < tensorHeaders.Length; i++)
        {
            var offset = global.Layout.OffsetAt(i);
            var length = global.Layout.Tensors[i].Length;
            await writer.WriteAsync(FragmentPrefix(taskField, tensorHeaders[i], (long)length * sizeof(float)), cancellationToken).ConfigureAwait(false);
            for (long done = 0; done < (long)length * sizeof(float);)
            {
                done += CopySlice(writer, global, offset, length, done);
                var flushed = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (flushed.IsCanceled || flushed.IsCompleted)
                {
                    return;
                }
            }
        }
    }

    // Copies the next slice of one tensor's little-endian bytes into the pipe; returns the bytes copied.
    private static int CopySlice(PipeWriter writer, ParameterSet global, int offset, int length, long done)
    {
        var bytes = MemoryMarshal.AsBytes(global.Values.Slice(offset, length))[(int)done..];
        var count = Math.Min(bytes.Length, SliceBytes);
        bytes[..count].CopyTo(writer.GetSpan(count));
        writer.Advance(count);
        return count;
    }

    // The bytes before a tensor's data: task { global { tensors { <header> data-tag data-length } } }.
    private static byte[] FragmentPrefix(int taskField, byte[] tensorHeader, long dataLength)
    {
        var tensorLength = tensorHeader.Length + 1 + CodedOutputStream.ComputeLengthSize((int)dataLength) + dataLength;
        var setLength = 1 + CodedOutputStream.ComputeLengthSize((int)tensorLength) + tensorLength;
        var taskLength = 1 + CodedOutputStream.ComputeLengthSize((int)setLength) + setLength;
        using var buffer = new MemoryStream();
        using var output = new CodedOutputStream(buffer, leaveOpen: true);
        output.WriteTag(taskField, WireFormat.WireType.LengthDelimited);
        output.WriteLength((int)taskLength);
        output.WriteTag(V1.PartyTask.GlobalFieldNumber, WireFormat.WireType.LengthDelimited);
        output.WriteLength((int)setLength);
        output.WriteTag(V1.ParameterSet.TensorsFieldNumber, WireFormat.WireType.LengthDelimited);
        output.WriteLength((int)tensorLength);
        output.Flush();
        buffer.Write(tensorHeader);
        using var data = new CodedOutputStream(buffer, leaveOpen: true);
        data.WriteTag(V1.Tensor.DataFieldNumber, WireFormat.WireType.LengthDelimited);
        data.WriteLength((int)dataLength);
        data.Flush();
        return buffer.ToArray();
    }
}
