namespace Causeway.Protocol.Security;

/// <summary>A party's client certificate and key files.</summary>
public sealed record PartyCertificateFiles(string PartyId, string Certificate, string Key);
