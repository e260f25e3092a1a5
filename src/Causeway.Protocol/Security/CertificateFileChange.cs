namespace Causeway.Protocol.Security;

/// <summary>One certificate file of a <see cref="CertificateFolder"/> and what was done to it.</summary>
/// <param name="What">"federation CA", "server certificate" or "party ID".</param>
/// <param name="Certificate">The certificate file (its key file sits beside it).</param>
/// <param name="Action">Created, kept or replaced.</param>
/// <param name="Note">Why, when it is not obvious (e.g. "new host names: db.example"), or null.</param>
public sealed record CertificateFileChange(string What, string Certificate, CertificateFileAction Action, string? Note = null);
