using Causeway.Federation.Configuration;

namespace Causeway.Cli.Composition;

/// <summary>Reads and checks a run configuration file; every problem names the file and the field.</summary>
internal static class RunConfigFile
{
    public static RunConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new RunConfigException(path, null, null, "the configuration file does not exist");
        }

        return RunConfig.Parse(File.ReadAllText(path), path);
    }

    public static void Validate(RunConfig config, string path, RunSite site)
    {
        var errors = config.Validate(site);
        if (errors.Count > 0)
        {
            throw new RunConfigException($"{path}: invalid configuration:\n  " + string.Join("\n  ", errors));
        }
    }
}
