using Microsoft.Win32.SafeHandles;

namespace Causeway.Privacy.Psi;

/// <summary>Owns a <c>BIGNUM</c> (cleared on free: it may hold a secret scalar) from libcrypto; not thread-safe unless stated by OpenSSL.</summary>
internal sealed class BigNumHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public BigNumHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        OpenSslNative.BnClearFree(handle);
        return true;
    }
}
