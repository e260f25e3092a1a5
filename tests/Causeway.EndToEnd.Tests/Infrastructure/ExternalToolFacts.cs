namespace Causeway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A test that drives a real Chromium through Playwright. Skipped, saying why, where no Chromium is installed, like
/// the PostgreSQL tests without a server: <c>scripts/install-chromium.sh</c> installs Debian's (CI runs it).
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Chromium.Path is null)
        {
            Skip = "Chromium was not found ($CAUSEWAY_CHROMIUM, /usr/bin/chromium or 'chromium' on PATH); run scripts/install-chromium.sh to run the dashboard's browser tests.";
        }
    }
}

/// <summary>Where the browser tests find Chromium.</summary>
public static class Chromium
{
    private static readonly Lazy<string?> s_path = new(() =>
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("CAUSEWAY_CHROMIUM") is { Length: > 0 } fromEnvironment)
        {
            candidates.Add(fromEnvironment);
        }

        candidates.Add("/usr/bin/chromium");
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => System.IO.Path.Combine(directory, "chromium")));
        return candidates.FirstOrDefault(File.Exists);
    });

    /// <summary>The Chromium executable, or null.</summary>
    public static string? Path => s_path.Value;
}

/// <summary>
/// A test that runs the reference Python party (clients/python). Skipped, saying why, where its Debian packages or
/// generated message modules are missing: <c>scripts/install-python-party.sh</c> installs them (CI runs it).
/// </summary>
public sealed class PythonPartyFactAttribute : FactAttribute
{
    public PythonPartyFactAttribute()
    {
        if (PythonParty.Missing is { } missing)
        {
            Skip = $"{missing}; run scripts/install-python-party.sh to run the reference Python party's tests.";
        }
    }
}

/// <summary>Where the tests find the reference Python party and its interpreter.</summary>
public static class PythonParty
{
    public const string Interpreter = "/usr/bin/python3";

    private static readonly Lazy<string?> s_missing = new(() =>
    {
        if (!File.Exists(Interpreter))
        {
            return $"{Interpreter} was not found";
        }

        if (!File.Exists(System.IO.Path.Combine(CliRunner.RepositoryRoot(), "clients", "python", "generated", "causeway", "v1", "messages_pb2.py")))
        {
            return "the causeway.v1 message modules were not generated (clients/python/generated)";
        }

        using var check = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Interpreter, ["-c", "import google.protobuf, httpx, h2"])
        {
            RedirectStandardError = true,
        })!;
        check.WaitForExit();
        return check.ExitCode == 0 ? null : "python3 cannot import google.protobuf, httpx and h2";
    });

    /// <summary>The script.</summary>
    public static string Script => System.IO.Path.Combine(CliRunner.RepositoryRoot(), "clients", "python", "causeway_party.py");

    /// <summary>Why the party cannot run here, or null.</summary>
    public static string? Missing => s_missing.Value;
}

/// <summary>
/// A test that runs the ImageNet ResNet18 graphs. Skipped, saying why, where they are not installed:
/// <c>scripts/install-resnet18.sh</c> fetches them from NuGet into .causeway/models/resnet18 (CI runs it).
/// </summary>
public sealed class ResNetFactAttribute : FactAttribute
{
    public ResNetFactAttribute()
    {
        if (!File.Exists(System.IO.Path.Combine(ResNet.Directory, "ResNet18.onnx")))
        {
            Skip = $"ResNet18.onnx is not in {ResNet.Directory}; run scripts/install-resnet18.sh to run the pretrained encoder's tests.";
        }
    }
}

/// <summary>Where the tests find the ResNet18 graphs.</summary>
public static class ResNet
{
    /// <summary>The clone's model folder.</summary>
    public static string Directory => System.IO.Path.Combine(CliRunner.RepositoryRoot(), Causeway.Onnx.Encoders.ResNet18Features.InstallDirectory);
}
