using Microsoft.AspNetCore.Http;

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
