using Microsoft.Win32.SafeHandles;

namespace Causeway.Privacy.Psi;

/// <summary>Owns an <c>EC_POINT</c> from libcrypto; not thread-safe unless stated by OpenSSL.</summary>
internal sealed class EcPointHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public EcPointHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        OpenSslNative.EcPointFree(handle);
        return true;
    }
}
