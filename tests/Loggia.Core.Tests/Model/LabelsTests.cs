using Loggia.Core.Model;

namespace Loggia.Core.Tests.Model;

public class LabelsTests
{
    [Fact]
    public void Parse_SortsByNameAndPrintsCanonically()
    {
        Labels labels = Labels.Parse("{env=\"prod\",app=\"api\"}");
        Assert.Equal(2, labels.Count);
        Assert.Equal("app", labels[0].Name);
        Assert.Equal("{app=\"api\", env=\"prod\"}", labels.ToString());
        Assert.Equal("api", labels.Get("app"));
        Assert.Null(labels.Get("missing"));
    }

    [Theory]
    [InlineData("{a=\"x\\\"y\"}", "x\"y")]
    [InlineData("{a=\"x\\\\y\"}", "x\\y")]
    [InlineData("{a=\"x\\ny\\tz\"}", "x\ny\tz")]
    [InlineData("{a=\"\\u00e9\\U0001F600\"}", "é😀")]
    [InlineData("{a=\"\\x41\\101\"}", "AA")]
    [InlineData("{a=\"\\xc3\\xa9\"}", "é")]
    [InlineData("{a='it\\'s'}", "it's")]
    [InlineData("{a=`raw \\n \"q\"`}", "raw \\n \"q\"")]
    [InlineData("  { a = \"1\" , } ", "1")]
    [InlineData("{a=\"日本\"}", "日本")]
    public void Parse_UnescapesValuesLikePromQL(string text, string expected)
    {
        Assert.True(Labels.TryParse(text, out Labels labels, out string? error), error);
        Assert.Equal(expected, labels.Get("a"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("app=\"x\"")]
    [InlineData("{app=\"x\"")]
    [InlineData("{app=\"x}")]
    [InlineData("{app!=\"x\"}")]
    [InlineData("{app=~\"x\"}")]
    [InlineData("{app=x}")]
    [InlineData("{1app=\"x\"}")]
    [InlineData("{foo.bar=\"x\"}")]
    [InlineData("{a=\"x\" b=\"y\"}")]
    [InlineData("{a=\"x\"} extra")]
    [InlineData("{a=\"\\q\"}")]
    [InlineData("{a=\"\\x4\"}")]
    [InlineData("{a=\"\\xff\"}")]
    [InlineData("{a=\"\\'\"}")]
    [InlineData("{a=\"line\nbreak\"}")]
    [InlineData("{a=\"\\")]
    public void TryParse_RejectsMalformedInputWithPositionedMessage(string text)
    {
        Assert.False(Labels.TryParse(text, out Labels labels, out string? error));
        Assert.Same(Labels.Empty, labels);
        Assert.Matches(@"^\d+:\d+: parse error: ", error);
    }

    [Fact]
    public void TryParse_ReportsTheColumnOfTheProblem()
    {
        Assert.False(Labels.TryParse("{app=\"x\", 9=\"y\"}", out _, out string? error));
        Assert.StartsWith("1:11: parse error: ", error);
    }

    [Fact]
    public void Parse_EmptyValuesAreDroppedAsInLoki()
    {
        Labels labels = Labels.Parse("{a=\"\", b=\"1\"}");
        Assert.Equal("{b=\"1\"}", labels.ToString());
        Assert.Equal("{}", Labels.Parse("{}").ToString());
        Assert.Equal(0, Labels.Parse("{a=\"\"}").Count);
    }

    [Fact]
    public void Parse_KeepsDuplicateNamesSoValidationCanReportThem()
    {
        Labels labels = Labels.Parse("{a=\"2\", a=\"1\"}");
        Assert.Equal(2, labels.Count);
        Assert.True(labels.TryGetDuplicateName(out string? name));
        Assert.Equal("a", name);
        Assert.False(Labels.Parse("{a=\"1\", b=\"1\"}").TryGetDuplicateName(out _));
    }

    [Theory]
    [InlineData("a\"b", "\"a\\\"b\"")]
    [InlineData("a\\b", "\"a\\\\b\"")]
    [InlineData("a\nb\tc\rd", "\"a\\nb\\tc\\rd\"")]
    [InlineData("\a\b\f\v", "\"\\a\\b\\f\\v\"")]
    [InlineData("\u0001\u007f", "\"\\x01\\x7f\"")]
    [InlineData("é日本😀", "\"é日本😀\"")]
    [InlineData("\u00a0", "\"\\u00a0\"")]
    [InlineData("\u200b", "\"\\u200b\"")]
    [InlineData("it's", "\"it's\"")]
    public void ToString_QuotesValuesLikeGoStrconvQuote(string value, string quoted)
    {
        Labels labels = Labels.Create(("k", value));
        Assert.Equal("{k=" + quoted + "}", labels.ToString());
    }

    [Theory]
    [InlineData("{app=\"api\", env=\"prod\"}")]
    [InlineData("{a=\"x\\\"y\\\\z\\n\", b=\"é\"}")]
    [InlineData("{a=\"\\x01\\u00a0\"}")]
    public void ToString_RoundTripsThroughParse(string canonical)
    {
        Labels labels = Labels.Parse(canonical);
        Assert.Equal(canonical, labels.ToString());
        Assert.Equal(labels, Labels.Parse(labels.ToString()));
    }

    [Fact]
    public void Equality_AndFingerprint_DependOnPairsNotOnInputOrder()
    {
        Labels a = Labels.Parse("{b=\"2\", a=\"1\"}");
        Labels b = Labels.Create(("a", "1"), ("b", "2"));
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.Equal(a.StreamId, b.StreamId);
        Assert.NotEqual(a.Fingerprint, Labels.Create(("a", "1"), ("b", "3")).Fingerprint);
    }

    [Fact]
    public void Fingerprint_IsXxHash64OfNameFFValueFFPairs()
    {
        // The persisted layout: name 0xFF value 0xFF per sorted pair, XXH64 seed 0 (Prometheus' labels.Hash layout).
        byte[] layout = [(byte)'a', 0xFF, (byte)'1', 0xFF, (byte)'b', 0xFF, (byte)'2', 0xFF];
        Labels labels = Labels.Create(("b", "2"), ("a", "1"));
        Assert.Equal(Loggia.Core.Hashing.XxHash64.Hash(layout), labels.Fingerprint);
        Assert.Equal(0xEF46DB3751D8E999UL, Labels.Empty.Fingerprint);
        Assert.Equal(labels.Fingerprint.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), labels.StreamId.ToString());
    }

    [Fact]
    public void Fingerprint_SeparatorPreventsAmbiguousConcatenation()
    {
        Assert.NotEqual(Labels.Create(("ab", "c")).Fingerprint, Labels.Create(("a", "bc")).Fingerprint);
    }

    [Fact]
    public void Fingerprint_LongLabelSetsUseAPooledBuffer()
    {
        Labels labels = Labels.Create(("a", new string('x', 2000)), ("b", "y"));
        Assert.Equal(labels.Fingerprint, Labels.Create(("b", "y"), ("a", new string('x', 2000))).Fingerprint);
    }

    [Fact]
    public void Parse_RandomInput_NeverThrows()
    {
        var random = new Random(42);
        const string alphabet = "{}=,\"'`\\abc_0 \nxuU!~é";
        for (int i = 0; i < 3000; i++)
        {
            char[] text = new char[random.Next(0, 30)];
            for (int j = 0; j < text.Length; j++)
            {
                text[j] = alphabet[random.Next(alphabet.Length)];
            }

            if (Labels.TryParse(text, out Labels labels, out string? error))
            {
                Assert.Equal(labels, Labels.Parse(labels.ToString()));
            }
            else
            {
                Assert.NotNull(error);
            }
        }
    }
}
