using System.Diagnostics.CodeAnalysis;

/// <summary>
/// Entry point of the crash-test child process. The runtime calls <see cref="Initialize"/> before Main when
/// <c>DOTNET_STARTUP_HOOKS</c> names this assembly; only <see cref="Causeway.EndToEnd.Tests.Storage.CrashChildProcess"/>
/// sets that variable. The runtime requires this exact name in the global namespace.
/// </summary>
[SuppressMessage("Design", "CA1050:Declare types in namespaces", Justification = "The runtime looks up the startup hook as the global type 'StartupHook'.")]
internal static class StartupHook
{
    public static void Initialize() => Causeway.EndToEnd.Tests.Storage.CrashChild.RunIfRequested();
}
