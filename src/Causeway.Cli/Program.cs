namespace Causeway.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.WriteLine("causeway: commands are being built.");
        return args.Length == 0 ? 0 : 1;
    }
}
