using System.Runtime.CompilerServices;

namespace Causeway.Federation.Tests.Vertical.Data;

/// <summary>The churn sample's party files (scripts/make-churn-parties.py), found from this source file's location (the repository root is four folders up).</summary>
internal static class ChurnParties
{
    public static string[] Names => ["telecom", "payments", "usage"];

    public static string Table(string party) => Repository("samples", "data", "telco-customer-churn", "parties", $"{party}.csv");

    public static string Schema(string party) => Repository("samples", "churn", "parties", $"{party}.schema.json");

    public static string OriginalTable => Repository("samples", "data", "telco-customer-churn", "Telco-Customer-Churn.csv");

    public static string OriginalSchema => Repository("samples", "churn", "schema.json");

    private static string Repository(params string[] parts) => Path.GetFullPath(Path.Combine([Folder(), "..", "..", "..", "..", .. parts]));

    private static string Folder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
