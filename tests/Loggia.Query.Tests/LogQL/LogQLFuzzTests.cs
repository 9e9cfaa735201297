using System.Diagnostics;
using System.Text;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Tests.LogQL;

public class LogQLFuzzTests
{
    private static readonly string[] Fragments =
    [
        "{", "}", "(", ")", "[5m]", "[", "]", "a", "app", "=", "!=", "=~", "!~", "|=", "|~", "|>", "!>", "|", ",", "\"x\"", "`y`",
        "\"", "1", "0.5", "-", "+", "*", "/", "%", "^", "==", ">", ">=", "<", "<=", "and", "or", "unless", "by", "without", "on",
        "ignoring", "group_left", "group_right", "bool", "offset", "1h", "10KB", "rate", "sum", "topk", "count_over_time",
        "quantile_over_time", "json", "logfmt", "--strict", "regexp", "pattern", "unpack", "line_format", "label_format",
        "drop", "keep", "decolorize", "unwrap", "bytes", "duration", "ip", "label_replace", "vector", "#", "\n", " ", "@", "'",
    ];

    private static void AssertOnlyParseErrors(string query)
    {
        try
        {
            var e = LogQLParser.Parse(query);
            // Whatever parses must print to something that parses to the same tree.
            Assert.Equal(e, LogQLParser.Parse(e.ToString()));
        }
        catch (LogQLParseException)
        {
        }
    }

    [Fact]
    public void RandomTokenSequences_OnlyEverThrowParseErrors()
    {
        var rng = new Random(12345);
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < 4000; i++)
        {
            var sb = new StringBuilder();
            var n = rng.Next(1, 25);
            for (var j = 0; j < n; j++)
            {
                sb.Append(Fragments[rng.Next(Fragments.Length)]).Append(rng.Next(3) == 0 ? " " : "");
            }
            AssertOnlyParseErrors(sb.ToString());
        }
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void RandomStrings_OnlyEverThrowParseErrors()
    {
        var rng = new Random(777);
        const string alphabet = "{}()[]|=!~><,\"`'\\#-+*/%^.0123456789abcdehmsyKBi_ \n\tµ\u00e9\u0000";
        for (var i = 0; i < 4000; i++)
        {
            var chars = new char[rng.Next(0, 40)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[rng.Next(alphabet.Length)];
            }
            AssertOnlyParseErrors(new string(chars));
        }
    }

    [Fact]
    public void MutatedValidQueries_OnlyEverThrowParseErrors()
    {
        var rng = new Random(99);
        var seeds = new[]
        {
            "sum by (a) (rate({a=\"b\"} |= \"x\" | json | y > 1 [5m])) / ignoring (x) group_left (y) count(rate({a=\"b\"}[5m]))",
            "quantile_over_time(0.9, {a=\"b\"} | logfmt | unwrap duration(d) | __error__=\"\" [5m] offset 1h) by (a)",
            "{a=\"b\"} != \"x\" or \"y\" | label_format a=\"{{.b}}\", c=d | drop a, b=\"v\" | size > 10KB",
        };
        for (var i = 0; i < 3000; i++)
        {
            var s = seeds[i % seeds.Length].ToCharArray().ToList();
            var edits = rng.Next(1, 4);
            for (var k = 0; k < edits && s.Count > 0; k++)
            {
                var at = rng.Next(s.Count);
                switch (rng.Next(3))
                {
                    case 0: s.RemoveAt(at); break;
                    case 1: s.Insert(at, "{}()[]|=!~\",5mx "[rng.Next(15)]); break;
                    default: (s[at], s[rng.Next(s.Count)]) = (s[rng.Next(s.Count)], s[at]); break;
                }
            }
            AssertOnlyParseErrors(new string([.. s]));
        }
    }

    [Theory]
    [InlineData(5000)]
    [InlineData(2000)]
    public void DeepNesting_IsBoundedAndFailsCleanly(int depth)
    {
        var q = new string('(', depth) + "1" + new string(')', depth);
        var sw = Stopwatch.StartNew();
        Assert.Throws<LogQLParseException>(() => LogQLParser.Parse(q));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void ModerateNesting_Parses()
    {
        var q = new string('(', 50) + "rate({a=\"b\"}[1m])" + new string(')', 50);
        Assert.IsType<RangeAggregationExpr>(LogQLParser.Parse(q));
    }
}
