using System.Text;
using Loggia.Core.Hashing;

namespace Loggia.Core.Tests.Model;

public class XxHash64Tests
{
    // Published XXH64 vectors (xxHash's sanity checks and the Go/JS ports' test tables), seed 0 unless given.
    [Theory]
    [InlineData("", 0UL, 0xEF46DB3751D8E999UL)]
    [InlineData("", 1UL, 0xD5AFBA1336A3BE4BUL)]
    [InlineData("a", 0UL, 0xD24EC4F1A98C6E5BUL)]
    [InlineData("as", 0UL, 0x1C330FB2D66BE179UL)]
    [InlineData("asd", 0UL, 0x631C37CE72A97393UL)]
    [InlineData("asdf", 0UL, 0x415872F599CEA71EUL)]
    [InlineData("abc", 0UL, 0x44BC2CF5AD770999UL)]
    [InlineData("Call me Ishmael.", 0UL, 0x6D04390FC9D61A90UL)]
    [InlineData("Nobody inspects the spammish repetition", 0UL, 0xFBCEA83C8A378BF1UL)]
    public void Hash_MatchesPublishedVectors(string input, ulong seed, ulong expected)
    {
        Assert.Equal(expected, XxHash64.Hash(Encoding.ASCII.GetBytes(input), seed));
    }

    [Fact]
    public void Hash_EveryLengthUpTo100_IsDeterministicAndLengthSensitive()
    {
        // Covers every tail path (8-, 4-, 1-byte) around the 32-byte stripe boundary.
        byte[] data = new byte[100];
        new Random(7).NextBytes(data);
        var seen = new HashSet<ulong>();
        for (int n = 0; n <= data.Length; n++)
        {
            ulong h = XxHash64.Hash(data.AsSpan(0, n));
            Assert.Equal(h, XxHash64.Hash(data.AsSpan(0, n).ToArray()));
            Assert.True(seen.Add(h));
        }
    }
}
