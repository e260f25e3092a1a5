namespace Causeway.Protocol.Security;

/// <summary>What <see cref="CertificateFolder"/> did to one certificate file.</summary>
public enum CertificateFileAction
{
    /// <summary>The file was not there and now is.</summary>
    Created,

    /// <summary>The file was there and is used as it is.</summary>
    Kept,

    /// <summary>The file was there and was written again (a new certificate).</summary>
    Replaced,
}
