using System.Globalization;
using System.Numerics;

namespace Causeway.Privacy.Tests.Paillier;

/// <summary>
/// A fixed 2048-bit Paillier key, randomness and ciphertexts computed independently of this code base:
/// p and q from <c>openssl prime -generate -bits 1024 -hex</c>; then in Python 3
/// <c>n = p*q; n2 = n*n; r = pow(3, 1000003, n); c = (1 + m*n) * pow(r, n, n2) % n2</c>
/// for m = 123456789012345678901234567890 (<see cref="Ciphertext"/>) and m = n − 42, the encoding of −42 (<see cref="CiphertextOfMinus42"/>).
/// </summary>
internal static class KnownAnswer
{
    public static readonly BigInteger P = Hex("E3901FE0E102BD4B89BDD88AEADA6E796243DA1568997B33E8F387ED33B54FE10527F289B4190B0649BA9B34283099378F4E3F83141807066DECC7139DBDB2EBCF5D1A9F2D442F77FD0033A9FE624F0823249E6766B23C0FD74A81092F4142A1C9608008B55225A917BB34DF83D252909D19A14B1B48C0D070C8E972C5F693FF");

    public static readonly BigInteger Q = Hex("D2D79D3905FE5CB17765AF37A598AFF3A6CD1D4CECACC9A273CF48B5A823AB18EE0949B4D89D9CB22C3AE83DC8059F0990C4A40F0310F4F1AC9119F0C749604CFBC945F78B0DC7697ABC03EDF99D36C99F736BA5024075FB0FBEF0761491B8BD613F99CAED58447048653EF03A6A1F6A320F196F33A4ABF7C7C88083FA735719");

    public static readonly BigInteger N = P * Q;

    /// <summary>r = 3^1000003 mod n.</summary>
    public static readonly BigInteger R = BigInteger.ModPow(3, 1000003, N);

    public static readonly BigInteger Plaintext = BigInteger.Parse("123456789012345678901234567890", CultureInfo.InvariantCulture);

    public static readonly BigInteger Ciphertext = Hex("3804b1173f556da8e9b64bf48f19a0b4d1c14b76f8ea7fc957bac1683312b1a2e293602ec572a321aac6cc2fb7cf8b4d64bd893f3e20f8230d86a02fb3f44bbadde0ffa67cedbd355b6ba2fae544c87faed336392e84d1eac4735dc6280a441412f001053fbe1993745ea7419164b1b3d9238367b8aa771544b72b364faccff46574d14605f254d8030a56f2ed772179b72e1da12c8ead567245b1c8a12c982af5875af3244aebb9561e5243d6fed5154ab9d99f538370dd56825c97faf94bfc2ae696fd9728d9372595c6e39dabbcbef44ccdaca9ab4650ffe7387f721a3813faa54c1f6e78325cd9484242836aad34e9fe13d9f40a5187d8ff433be53af5f338cb9ec62ba4864ab306185d2303b87b4a1331332ff03de092277692527d3784fdb69b8abe82a51adc7969297492adb6fde9d2983e82f65b383cd270b41cfaabd02600f8c1c51c029ae36be050b2507e3ffe450d15f1c3161d5dd3cc6d83fdc80519e4ee49462d972500a0cbe7b06948cfe5142e62f644646215ec640afec7c89a8e05eb06d55098f0e5d92a45b51f548647236856065ee90c95dcf229479586da4d2bca5ee5940683e3cb0e11cbb79d1badbadef2fff119c2c1687076ca54e83b342f16aabd6eee1374819f2ac519c0a35d9909ef6185a37db2dde6d9aa9594b8f0ca3edf8981165ffa3d9e7ef6be7fb969df357b1a1f4683366453cd82e6a5");

    public static readonly BigInteger CiphertextOfMinus42 = Hex("395216c1855f8974f7ab5b5d01e1bbc272d583913eca3653e55e90bc855305fee4f54e365a9c202942a52744325b4a8a03737c536a0ecfb664e80e6ecf5670a5f122c8e29bb2a92c0b9355f661694d3e385071a51232e48fedf3a7f9994203e0550bbe3ff5e90188eb4be80fae0412e5ef9a2bd05676d0e9bf84cfe868d9d07de46b67c4da0b1024f027a4a1e829e65a95cae4c39094753f8372410110b3d1fb302e15cd24dc061eb1f542d810185bde44b920f59cf859bbb67b11f2b0835ebf452c0b4a45f29497f173ae167e097810ee98628c8c9f1f0a521d00c5a928e0c05d72159501ba94f0320ac350a019f15b65d5dab4ed8420583426aa8d1bbb583da5cff947f6e35bf0c34453b36ae0fd4804646fd9d4b8e335e66ece8c06b49c505c2d61dcf7adfc2db5f6f49bba401389e400fb0f1561d561ce6db8544f76566c58776c3d8790c74bb80088e5b8d9af40e7e1db795fa0727380eee9a2c61275e01acf47375a4a5843cb5deb3a69c7690a81aecdf6a4eb4bbfbd2990915aae44d2d2b55376663e67a777b060912ae9a672a8b6ec8b8e768b2ceabfe6c7970896e662b238276b7ca24594a80a624e3b09ced99f45bf33405429b0f4a2fb3a97a3d133abb28bccab306ad845c91bf6d68b41fb6bed6acbd5a8dc7896c2126bcee2c9f0e16f9ac855bfd941ef4d7e02ec5868447cb2f8f413eacfe5d1af0928cef488");

    public static byte[] Bytes(BigInteger value, int width)
    {
        var bytes = new byte[width];
        var raw = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        raw.CopyTo(bytes.AsSpan(width - raw.Length));
        return bytes;
    }

    private static BigInteger Hex(string hex) => BigInteger.Parse("0" + hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
