using Causeway.Protocol;
using Microsoft.AspNetCore.Http;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests.Infrastructure;

/// <summary>Keeps a copy of every request body the coordinator receives, so a test can assert on what crossed the wire.</summary>
public sealed class WireTap
{
    private readonly List<(string Path, byte[] Body)> _requests = [];

    public IReadOnlyList<(string Path, byte[] Body)> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The number of requests recorded so far: a mark for <see cref="PushedResults"/>.</summary>
    public int Count
    {
        get
        {
            lock (_requests)
            {
                return _requests.Count;
            }
        }
    }

    /// <summary>Every PushResult body recorded from the <paramref name="from"/>-th request on, parsed.</summary>
    public IReadOnlyList<V1.PushResultRequest> PushedResults(int from = 0) =>
        [.. Requests.Skip(from).Where(r => r.Path == CausewayProtocol.PushResultPath).Select(r => V1.PushResultRequest.Parser.ParseFrom(r.Body))];

    /// <summary>The train results among <see cref="PushedResults"/>.</summary>
    public IReadOnlyList<V1.PushResultRequest> TrainResults(int from = 0) => [.. PushedResults(from).Where(p => p.Train is not null)];

    internal async Task RecordAsync(HttpContext context, Func<Task> next)
    {
        context.Request.EnableBuffering();
        using var copy = new MemoryStream();
        await context.Request.Body.CopyToAsync(copy, context.RequestAborted);
        context.Request.Body.Position = 0;
        lock (_requests)
        {
            _requests.Add((context.Request.Path.Value ?? "", copy.ToArray()));
        }

        await next();
    }
}
