namespace Causeway.EndToEnd.Tests.Infrastructure;

/// <summary>Bounds every awaited task so a bug fails a test instead of hanging CI.</summary>
public static class TaskExtensions
{
    public static readonly TimeSpan DefaultTimeoutSpan = TimeSpan.FromSeconds(30);

    public static Task DefaultTimeout(this Task task) => task.WaitAsync(DefaultTimeoutSpan);

    public static Task<T> DefaultTimeout<T>(this Task<T> task) => task.WaitAsync(DefaultTimeoutSpan);
}
