namespace Causeway.Cli.Composition;

/// <summary>
/// Lets a coordinator or party started by <see cref="ChildProcess"/> stop when the process that started it is gone, even
/// killed outright (SIGKILL runs no handler there): the parent holds the write end of the child's standard input, so
/// the child reads end-of-file exactly when no parent is left.
/// </summary>
internal static class ParentWatch
{
    /// <summary>Set to "1" in a child's environment by <see cref="ChildProcess"/>.</summary>
    public const string Variable = "CAUSEWAY_EXIT_WITH_PARENT";

    /// <summary>
    /// When <see cref="Variable"/> is set, starts reading standard input on a background thread and returns a token
    /// cancelled at its end (the command then stops as on Ctrl+C); otherwise a token that is never cancelled.
    /// </summary>
    public static CancellationToken Start()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            return CancellationToken.None;
        }

        // Lives as long as the process: the token is the command's for its whole run.
        var parentGone = new CancellationTokenSource();
        var reader = new Thread(() =>
        {
            try
            {
                using var input = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (input.Read(buffer) > 0)
                {
                }
            }
            catch (IOException)
            {
            }

            parentGone.Cancel();
        })
        {
            IsBackground = true,
            Name = "parent watch",
        };
        reader.Start();
        return parentGone.Token;
    }
}
