namespace Causeway.Protocol.Security;

/// <summary>Where <see cref="DevCertificates.CreateDevelopmentSet"/> wrote each PEM file.</summary>
public sealed record DevCertificateFiles(
    string CaCertificate,
    string CaKey,
    string ServerCertificate,
    string ServerKey,
    IReadOnlyList<PartyCertificateFiles> Parties);
