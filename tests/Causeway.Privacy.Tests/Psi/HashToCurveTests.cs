using System.Text;
using Causeway.Privacy.Psi;

namespace Causeway.Privacy.Tests.Psi;

/// <summary>RFC 9380 appendix J.1.1 (P256_XMD:SHA-256_SSWU_RO_): the final point and both SWU points of each message.</summary>
public sealed class HashToCurveTests
{
    private static readonly byte[] RfcDst = "QUUX-V01-CS02-with-P256_XMD:SHA-256_SSWU_RO_"u8.ToArray();

    public static TheoryData<string, string, string, string, string, string, string> Vectors => new()
    {
        {
            "",
            "2c15230b26dbc6fc9a37051158c95b79656e17a1a920b11394ca91c44247d3e4", "8a7a74985cc5c776cdfe4b1f19884970453912e9d31528c060be9ab5c43e8415",
            "ab640a12220d3ff283510ff3f4b1953d09fad35795140b1c5d64f313967934d5", "dccb558863804a881d4fff3455716c836cef230e5209594ddd33d85c565b19b1",
            "51cce63c50d972a6e51c61334f0f4875c9ac1cd2d3238412f84e31da7d980ef5", "b45d1a36d00ad90e5ec7840a60a4de411917fbe7c82c3949a6e699e5a1b66aac"
        },
        {
            "abc",
            "0bb8b87485551aa43ed54f009230450b492fead5f1cc91658775dac4a3388a0f", "5c41b3d0731a27a7b14bc0bf0ccded2d8751f83493404c84a88e71ffd424212e",
            "5219ad0ddef3cc49b714145e91b2f7de6ce0a7a7dc7406c7726c7e373c58cb48", "7950144e52d30acbec7b624c203b1996c99617d0b61c2442354301b191d93ecf",
            "019b7cb4efcfeaf39f738fe638e31d375ad6837f58a852d032ff60c69ee3875f", "589a62d2b22357fed5449bc38065b760095ebe6aeac84b01156ee4252715446e"
        },
        {
            "abcdef0123456789",
            "65038ac8f2b1def042a5df0b33b1f4eca6bff7cb0f9c6c1526811864e544ed80", "cad44d40a656e7aff4002a8de287abc8ae0482b5ae825822bb870d6df9b56ca3",
            "a17bdf2965eb88074bc01157e644ed409dac97cfcf0c61c998ed0fa45e79e4a2", "4f1bc80c70d411a3cc1d67aeae6e726f0f311639fee560c7f5a664554e3c9c2e",
            "7da48bb67225c1a17d452c983798113f47e438e4202219dd0715f8419b274d66", "b765696b2913e36db3016c47edb99e24b1da30e761a8a3215dc0ec4d8f96e6f9"
        },
        {
            "q128_" + new string('q', 128),
            "4be61ee205094282ba8a2042bcb48d88dfbb609301c49aa8b078533dc65a0b5d", "98f8df449a072c4721d241a3b1236d3caccba603f916ca680f4539d2bfb3c29e",
            "c76aaa823aeadeb3f356909cb08f97eee46ecb157c1f56699b5efebddf0e6398", "776a6f45f528a0e8d289a4be12c4fab80762386ec644abf2bffb9b627e4352b1",
            "418ac3d85a5ccc4ea8dec14f750a3a9ec8b85176c95a7022f391826794eb5a75", "fd6604f69e9d9d2b74b072d14ea13050db72c932815523305cb9e807cc900aff"
        },
        {
            "a512_" + new string('a', 512),
            "457ae2981f70ca85d8e24c308b14db22f3e3862c5ea0f652ca38b5e49cd64bc5", "ecb9f0eadc9aeed232dabc53235368c1394c78de05dd96893eefa62b0f4757dc",
            "d88b989ee9d1295df413d4456c5c850b8b2fb0f5402cc5c4c7e815412e926db8", "bb4a1edeff506cf16def96afff41b16fc74f6dbd55c2210e5b8f011ba32f4f40",
            "a281e34e628f3a4d2a53fa87ff973537d68ad4fbc28d3be5e8d9f6a2571c5a4b", "f6ed88a7aab56a488100e6f1174fa9810b47db13e86be999644922961206e184"
        },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void HashToCurve_Rfc9380Vector_MatchesPointAndSwuPoints(string message, string px, string py, string q0x, string q0y, string q1x, string q1y)
    {
        using var key = PsiKey.Generate();
        using var cipher = new EcdhPsiCipher(key, [], RfcDst, degreeOfParallelism: 1);
        using var worker = cipher.NewWorker();
        var msg = Encoding.ASCII.GetBytes(message);
        var point = new byte[EcdhPsiCipher.PointBytes];
        var q0 = new byte[65];
        var q1 = new byte[65];

        worker.HashToCurve([], msg, point);
        worker.MapToCurveForTest(msg, q0, q1);

        Assert.Equal("04" + px + py, Convert.ToHexStringLower(point));
        Assert.Equal("04" + q0x + q0y, Convert.ToHexStringLower(q0));
        Assert.Equal("04" + q1x + q1y, Convert.ToHexStringLower(q1));
    }
}
