using System.Reflection;

namespace Causeway.Privacy.Tests;

/// <summary>Keeps the project's promise: pure maths and crypto, referencing Core only.</summary>
public sealed class PrivacyAssemblyTests
{
    [Fact]
    public void References_NoCausewayProjectButCore_AndNoAspNetCore()
    {
        var assembly = Assembly.Load("Causeway.Privacy");

        var causeway = assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Causeway.", StringComparison.Ordinal));

        Assert.All(causeway, name => Assert.Equal("Causeway.Core", name));
        Assert.DoesNotContain(assembly.GetReferencedAssemblies(), a => a.Name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }
}
