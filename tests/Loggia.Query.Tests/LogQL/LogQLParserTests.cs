using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Tests.LogQL;

public class LogQLParserTests
{
    private static LabelMatcher Eq(string n, string v) => new(n, MatchOperator.Equal, v);

    private static MatchersExpr Sel(params LabelMatcher[] m) => new(SyntaxList.Of(m));

    private static PipelineExpr Pipe(MatchersExpr sel, params PipelineStage[] stages) => new(sel, SyntaxList.Of(stages));

    private static LineFilter Line(LineFilterOp op, params string[] values) =>
        new(op, new SyntaxList<LineFilterValue>(values.Select(v => new LineFilterValue(v))));

    private static RangeAggregationExpr Range(RangeOp op, LogSelectorExpr sel, TimeSpan interval, UnwrapExpr? unwrap = null, Grouping? g = null, double? p = null) =>
        new(op, new LogRange(sel, interval, TimeSpan.Zero, unwrap), p, g);

    public static TheoryData<string, Expr> ExpectedTrees => new()
    {
        { "{foo=\"bar\"}", Sel(Eq("foo", "bar")) },
        { "{ foo = \"bar\" }", Sel(Eq("foo", "bar")) },
        { "{ namespace=\"buzz\", foo != \"bar\" }", Sel(Eq("namespace", "buzz"), new LabelMatcher("foo", MatchOperator.NotEqual, "bar")) },
        { "{ foo =~ \"bar\" }", Sel(new LabelMatcher("foo", MatchOperator.Regex, "bar")) },
        { "{app=\"foo\"} # |= \"bar\" | json", Sel(Eq("app", "foo")) },
        { "{app=\"#\"}", Sel(Eq("app", "#")) },
        { "{foo=\"bar\"} |= \"baz\" |~ \"blip\" != \"flip\" !~ \"flap\"",
            Pipe(Sel(Eq("foo", "bar")), Line(LineFilterOp.Contains, "baz"), Line(LineFilterOp.Regex, "blip"), Line(LineFilterOp.NotContains, "flip"), Line(LineFilterOp.NotRegex, "flap")) },
        { "{foo=\"bar\"} |= \"a\" or \"b\"", Pipe(Sel(Eq("foo", "bar")), Line(LineFilterOp.Contains, "a", "b")) },
        { "{foo=\"bar\"} != \"a\" or \"b\"", Pipe(Sel(Eq("foo", "bar")), Line(LineFilterOp.NotContains, "a"), Line(LineFilterOp.NotContains, "b")) },
        { "{foo=\"bar\"} |= ip(\"1.2.3.4\")", Pipe(Sel(Eq("foo", "bar")), new LineFilter(LineFilterOp.Contains, SyntaxList.Of(new LineFilterValue("1.2.3.4", true)))) },
        { "{foo=\"bar\"} |> \"<_> <x>\"", Pipe(Sel(Eq("foo", "bar")), Line(LineFilterOp.Pattern, "<_> <x>")) },
        { "{ foo = \"bar\" }|logfmt|rate=\"a\"",
            Pipe(Sel(Eq("foo", "bar")), new LogfmtParserStage(false, false, SyntaxList<LabelExtraction>.Empty), new LabelFilterStage(new StringLabelFilter(Eq("rate", "a")))) },
        { "{a=\"b\"} | logfmt --strict --keep-empty x, y=\"z\"",
            Pipe(Sel(Eq("a", "b")), new LogfmtParserStage(true, true, SyntaxList.Of(new LabelExtraction("x", "x"), new LabelExtraction("y", "z")))) },
        { "{app=\"foo\"} | json bob=\"top.sub[\\\"index\\\"]\"",
            Pipe(Sel(Eq("app", "foo")), new JsonParserStage(SyntaxList.Of(new LabelExtraction("bob", "top.sub[\"index\"]")))) },
        { "{a=\"b\"} | logfmt|addr=ip(\"1.2.3.4\")",
            Pipe(Sel(Eq("a", "b")), new LogfmtParserStage(false, false, SyntaxList<LabelExtraction>.Empty), new LabelFilterStage(new IpLabelFilter("addr", false, "1.2.3.4"))) },
        { "{a=\"b\"} | duration >= 250ms or ( status < 500 and status > 200)",
            Pipe(Sel(Eq("a", "b")), new LabelFilterStage(new BinaryLabelFilter(
                new DurationLabelFilter("duration", LabelFilterOp.GreaterThanOrEqual, TimeSpan.FromMilliseconds(250)),
                new BinaryLabelFilter(new NumericLabelFilter("status", LabelFilterOp.LessThan, 500), new NumericLabelFilter("status", LabelFilterOp.GreaterThan, 200), true),
                false))) },
        { "{a=\"b\"} | size > 10KB", Pipe(Sel(Eq("a", "b")), new LabelFilterStage(new BytesLabelFilter("size", LabelFilterOp.GreaterThan, 10_000))) },
        { "{a=\"b\"} | size <= 1MiB", Pipe(Sel(Eq("a", "b")), new LabelFilterStage(new BytesLabelFilter("size", LabelFilterOp.LessThanOrEqual, 1 << 20))) },
        { "{a=\"b\"} | label_format a=\"{{.b}}\", c=d | line_format \"{{.x}}\" | drop a, b=\"v\" | keep c | decolorize | unpack",
            Pipe(Sel(Eq("a", "b")),
                new LabelFormatStage(SyntaxList.Of(new LabelFormatItem("a", "{{.b}}", false), new LabelFormatItem("c", "d", true))),
                new LineFormatStage("{{.x}}"),
                new DropLabelsStage(SyntaxList.Of(new NamedLabelMatcher("a", null), new NamedLabelMatcher("b", Eq("b", "v")))),
                new KeepLabelsStage(SyntaxList.Of(new NamedLabelMatcher("c", null))),
                new DecolorizeStage(),
                new UnpackParserStage()) },
        { "{a=\"b\"} | regexp \"(?P<x>\\\\w+)\" | pattern \"<ip> - <_>\"",
            Pipe(Sel(Eq("a", "b")), new RegexpParserStage("(?P<x>\\w+)"), new PatternParserStage("<ip> - <_>")) },
        { "{a=\"b\"} | __error__=\"\"", Pipe(Sel(Eq("a", "b")), new LabelFilterStage(new StringLabelFilter(Eq("__error__", "")))) },
        { "count_over_time({foo=~`bar\\w+`}[12h] |~ `error\\`)",
            Range(RangeOp.CountOverTime, Pipe(Sel(new LabelMatcher("foo", MatchOperator.Regex, "bar\\w+")), Line(LineFilterOp.Regex, "error\\")), TimeSpan.FromHours(12)) },
        { "count_over_time({foo=\"bar\"} |= \"error\" [12h])",
            Range(RangeOp.CountOverTime, Pipe(Sel(Eq("foo", "bar")), Line(LineFilterOp.Contains, "error")), TimeSpan.FromHours(12)) },
        { "rate({ foo = \"bar\" }[5d])", Range(RangeOp.Rate, Sel(Eq("foo", "bar")), TimeSpan.FromDays(5)) },
        { "count_over_time({ foo = \"bar\" }[1w])", Range(RangeOp.CountOverTime, Sel(Eq("foo", "bar")), TimeSpan.FromDays(7)) },
        { "sum(rate({ foo =\"bar\" }[1y]))",
            new VectorAggregationExpr(VectorOp.Sum, Range(RangeOp.Rate, Sel(Eq("foo", "bar")), TimeSpan.FromDays(365)), Grouping.None, 0) },
        { "avg(count_over_time({ foo = \"bar\" }[5h])) by (bar,foo)",
            new VectorAggregationExpr(VectorOp.Avg, Range(RangeOp.CountOverTime, Sel(Eq("foo", "bar")), TimeSpan.FromHours(5)), new Grouping(false, SyntaxList.Of("bar", "foo")), 0) },
        { "max without (bar) (count_over_time({ foo = \"bar\" }[5h]))",
            new VectorAggregationExpr(VectorOp.Max, Range(RangeOp.CountOverTime, Sel(Eq("foo", "bar")), TimeSpan.FromHours(5)), new Grouping(true, SyntaxList.Of("bar")), 0) },
        { "topk(10,count_over_time({ foo = \"bar\" }[5h])) without (bar)",
            new VectorAggregationExpr(VectorOp.Topk, Range(RangeOp.CountOverTime, Sel(Eq("foo", "bar")), TimeSpan.FromHours(5)), new Grouping(true, SyntaxList.Of("bar")), 10) },
        { "quantile_over_time(0.99, {a=\"b\"} | unwrap bytes(x) | __error__=\"\" [5m]) by (a)",
            Range(RangeOp.QuantileOverTime, Sel(Eq("a", "b")), TimeSpan.FromMinutes(5),
                new UnwrapExpr("x", UnwrapConversion.Bytes, SyntaxList.Of<LabelFilterExpr>(new StringLabelFilter(Eq("__error__", "")))),
                new Grouping(false, SyntaxList.Of("a")), 0.99) },
        { "sum_over_time({a=\"b\"}[5m] | json | unwrap duration_seconds(d))",
            Range(RangeOp.SumOverTime, Pipe(Sel(Eq("a", "b")), new JsonParserStage(SyntaxList<LabelExtraction>.Empty)), TimeSpan.FromMinutes(5),
                new UnwrapExpr("d", UnwrapConversion.DurationSeconds, SyntaxList<LabelFilterExpr>.Empty)) },
        { "1 + 1 + 1", new LiteralExpr(3) },
        { "1 >= 1 > 1", new LiteralExpr(0) },
        { "1 > 1 < 1", new LiteralExpr(1) },
        { "2 ^ 3 ^ 2", new LiteralExpr(512) },
        { "1 + 2 * 3", new LiteralExpr(7) },
        { "-1", new LiteralExpr(-1) },
        { "vector(1)", new VectorExpr(1) },
    };

    [Theory]
    [MemberData(nameof(ExpectedTrees))]
    public void Parse_KnownQuery_YieldsExpectedTree(string query, Expr expected)
    {
        Assert.Equal(expected, LogQLParser.Parse(query));
    }

    [Fact]
    public void Parse_OffsetAndBinaryModifiers_AreKept()
    {
        var e = (BinaryOpExpr)LogQLParser.Parse(
            "sum by (app,machine) (count_over_time({app=\"foo\"}[1m] offset 1h)) > bool on () group_right (app) sum by (app) (count_over_time({app=\"foo\"}[1m]))");
        Assert.Equal(BinaryOp.Gt, e.Op);
        Assert.True(e.Modifier.ReturnBool);
        Assert.True(e.Modifier.On);
        Assert.Equal(VectorMatchCardinality.OneToMany, e.Modifier.Card);
        Assert.Equal(SyntaxList.Of("app"), e.Modifier.Include);
        var left = (VectorAggregationExpr)e.Left;
        Assert.Equal(TimeSpan.FromHours(1), ((RangeAggregationExpr)left.Inner).Range.Offset);
    }

    [Theory]
    [InlineData("1 + 2 * 3 - 4", "((1 + (2 * 3)) - 4)")]
    [InlineData("1 or 2 and 3 unless 4", "(1 or ((2 and 3) unless 4))")]
    [InlineData("1 == 2 + 3", "(1 == (2 + 3))")]
    [InlineData("1 ^ 2 ^ 3", "(1 ^ (2 ^ 3))")]
    [InlineData("1 / 2 % 3 * 4", "(((1 / 2) % 3) * 4)")]
    public void BinaryOperators_FollowLokiPrecedenceAndAssociativity(string query, string shape)
    {
        // Use vectors so the parser does not fold literals.
        var q = System.Text.RegularExpressions.Regex.Replace(query, "[0-9]", m => $"count_over_time({{a=\"{m.Value}\"}}[1m])");
        var printed = LogQLParser.Parse(q).ToString();
        var compact = System.Text.RegularExpressions.Regex.Replace(printed, "count_over_time\\(\\{a=\"([0-9])\"\\}\\[1m\\]\\)", "$1");
        Assert.Equal(shape, compact);
    }

    [Theory]
    [InlineData("{a=\"b\"} | x=1 or y=2 and z=3", "{a=\"b\"} | ( x==1 or ( y==2 , z==3 ) )")]
    [InlineData("{a=\"b\"} | x=1 and y=2 or z=3", "{a=\"b\"} | ( ( x==1 , y==2 ) or z==3 )")]
    [InlineData("{a=\"b\"} | x=1, y=2 or z=3", "{a=\"b\"} | ( x==1 , ( y==2 or z==3 ) )")]
    [InlineData("{a=\"b\"} | x=1 y=2", "{a=\"b\"} | ( x==1 , y==2 )")]
    public void LabelFilters_ResolveLikeLokisGrammar(string query, string printed)
    {
        Assert.Equal(printed, LogQLParser.Parse(query).ToString());
    }

    [Theory]
    [InlineData("{foo=\"bar\"}", "{foo=\"bar\"}")]
    [InlineData("{ foo = \"bar\", bar != \"baz\" }", "{foo=\"bar\", bar!=\"baz\"}")]
    [InlineData("{foo=\"bar\"} |= \"a\" or \"b\" != \"c\"", "{foo=\"bar\"} |= \"a\" or \"b\" != \"c\"")]
    [InlineData("{app=\"foo\"} | json a=\"x.y\", b", "{app=\"foo\"} | json a=\"x.y\",b=\"b\"")]
    [InlineData("rate({app=\"foo\"}[5m] offset 1h)", "rate({app=\"foo\"}[5m] offset 1h0m0s)")]
    [InlineData("sum(rate({app=\"foo\"}[1h30m])) by (a, b)", "sum by (a,b)(rate({app=\"foo\"}[1h30m]))")]
    [InlineData("topk(5, rate({app=\"foo\"}[5m]))", "topk(5,rate({app=\"foo\"}[5m]))")]
    [InlineData("rate({a=\"b\"}[5m]) + on (x) rate({a=\"b\"}[5m])", "(rate({a=\"b\"}[5m]) + on (x)  rate({a=\"b\"}[5m]))")]
    [InlineData("{a=\"b\"} | latency > 1s", "{a=\"b\"} | latency>1s")]
    [InlineData("{a=\"b\"} | latency > 1m30s", "{a=\"b\"} | latency>1m30s")]
    [InlineData("vector(2)", "vector(2.000000)")]
    [InlineData("label_replace(rate({a=\"b\"}[1m]), \"dst\", \"$1\", \"src\", \"(.*)\")", "label_replace(rate({a=\"b\"}[1m]),\"dst\",\"$1\",\"src\",\"(.*)\")")]
    [InlineData("{a=\"b\"} |= \"tab\\there\"", "{a=\"b\"} |= \"tab\\there\"")]
    public void Print_ProducesLokiFormatting(string query, string printed)
    {
        Assert.Equal(printed, LogQLParser.Parse(query).ToString());
    }

    public static TheoryData<string> RoundTripQueries => new()
    {
        "{app=\"api\", env=~\"prod|dev\", pod!=\"\", x!~\"a.*\"}",
        "{a=\"b\"} |= \"x\" != \"y\" |~ \"re\" !~ \"re2\" |> \"<_> p\" !> \"<_> q\" |= \"a\" or \"b\" |= ip(\"10.0.0.0/8\")",
        "{a=\"b\"} | json | logfmt --strict | logfmt --keep-empty a, b=\"c\" | regexp \"(?P<x>.)\" | pattern \"<a> <_>\" | unpack",
        "{a=\"b\"} | line_format \"{{.x}} \\\"q\\\"\" | label_format a=\"{{.b}}\", c=d | drop a, b=\"v\" | keep a, b=~\"x\" | decolorize",
        "{a=\"b\"} | level=\"error\" | status >= 500 | duration > 1.5s | size > 1MiB | addr != ip(\"1.2.3.4\") | (a=1 or b=2) and c=~\"x\" | __error__=\"\"",
        "{a=\"b\"} | x == -1.5 | y != 2e3 | z <= 10ms | w < 1KiB",
        "rate({a=\"b\"}[5m])",
        "count_over_time({a=\"b\"} |= \"x\" [1h] offset -30m)",
        "bytes_rate({a=\"b\"}[1d])",
        "bytes_over_time(({a=\"b\"} |= \"x\")[5m])",
        "absent_over_time({a=\"b\"}[1w])",
        "rate_counter({a=\"b\"} | unwrap x [5m])",
        "avg_over_time({a=\"b\"} | logfmt | unwrap duration(d) | __error__=\"\" [5m]) by (host)",
        "max_over_time({a=\"b\"} | unwrap x [5m]) without (host)",
        "quantile_over_time(0.95, {a=\"b\"} | json | unwrap latency [5m]) by (a)",
        "first_over_time({a=\"b\"} | unwrap x [5m])",
        "last_over_time({a=\"b\"} | unwrap x [5m])",
        "stddev_over_time({a=\"b\"} | unwrap x [5m])",
        "stdvar_over_time({a=\"b\"} | unwrap x [5m])",
        "min_over_time({a=\"b\"} | unwrap x [5m])",
        "sum_over_time({a=\"b\"} | unwrap bytes(x) [5m])",
        "sum by (a) (rate({a=\"b\"}[5m])) / ignoring (x) group_left (y) count without (a) (rate({a=\"b\"}[5m]))",
        "topk(3, sum(rate({a=\"b\"}[5m])) by (a))",
        "bottomk(2, rate({a=\"b\"}[5m]))",
        "sort(rate({a=\"b\"}[5m]))",
        "sort_desc(rate({a=\"b\"}[5m]))",
        "stddev(rate({a=\"b\"}[5m])) + stdvar(rate({a=\"b\"}[5m])) - min(rate({a=\"b\"}[5m])) * max(rate({a=\"b\"}[5m]))",
        "rate({a=\"b\"}[5m]) > bool 10",
        "rate({a=\"b\"}[5m]) or vector(0)",
        "rate({a=\"b\"}[5m]) and on (a, b) rate({a=\"b\"}[5m]) unless rate({a=\"b\"}[5m])",
        "rate({a=\"b\"}[5m]) * -1 ^ 2",
        "label_replace(rate({a=\"b\"}[5m]), \"x\", \"$1\", \"y\", \"(.*)\")",
        "sum without () (rate({a=\"b\"}[5m]))",
        "avg(rate({a=\"b\"}[5m])) by ()",
        "count(rate({a=\"b\"}[5m]) == 1)",
    };

    [Theory]
    [MemberData(nameof(RoundTripQueries))]
    public void Print_ThenParse_YieldsEqualTree(string query)
    {
        var first = LogQLParser.Parse(query);
        var printed = first.ToString();
        var second = LogQLParser.Parse(printed);
        Assert.Equal(first, second);
        Assert.Equal(printed, second.ToString());
    }

    [Fact]
    public void Keywords_AreCaseInsensitive_AndFunctionNamesAreLabelsWhenNotCalled()
    {
        var e = LogQLParser.Parse("SUM BY (a) (RATE({a=\"b\"} | rate=\"x\" | bytes > 1 [5m]))");
        Assert.Equal("sum by (a)(rate({a=\"b\"} | rate=\"x\" | bytes==1[5m]))".Replace("==1", ">1", StringComparison.Ordinal), e.ToString());
    }

    [Fact]
    public void ParseSampleExpr_RejectsLogQuery_AndParseLogSelector_RejectsMetricQuery()
    {
        Assert.Equal("only sample expression supported", Assert.Throws<LogQLParseException>(() => LogQLParser.ParseSampleExpr("{a=\"b\"}")).Message);
        Assert.Equal("only log selector is supported", Assert.Throws<LogQLParseException>(() => LogQLParser.ParseLogSelector("rate({a=\"b\"}[1m])")).Message);
        Assert.Equal(2, LogQLParser.ParseMatchers("{a=\"b\", c=~\"d\"}").Count);
    }

    [Fact]
    public void Lexer_TokensCarryLineAndColumn()
    {
        var tokens = Lexer.Tokenize("{a=\"b\"}\n  |= `x`");
        Assert.Equal(TokenKind.PipeExact, tokens[5].Kind);
        Assert.Equal(2, tokens[5].Line);
        Assert.Equal(3, tokens[5].Column);
        Assert.Equal(TokenKind.String, tokens[6].Kind);
        Assert.Equal("x", tokens[6].Text);
        Assert.Equal(TokenKind.Eof, tokens[^1].Kind);
    }

    [Theory]
    [InlineData("5m", TokenKind.Duration)]
    [InlineData("1h30m", TokenKind.Duration)]
    [InlineData("500ms", TokenKind.Duration)]
    [InlineData("1.5s", TokenKind.Duration)]
    [InlineData("1d", TokenKind.Duration)]
    [InlineData("10KB", TokenKind.Bytes)]
    [InlineData("1MiB", TokenKind.Bytes)]
    [InlineData("42", TokenKind.Number)]
    [InlineData("4.2e1", TokenKind.Number)]
    [InlineData("[5m]", TokenKind.Range)]
    [InlineData("--strict", TokenKind.ParserFlag)]
    [InlineData("\"a\\\"b\"", TokenKind.String)]
    [InlineData("`raw\\`", TokenKind.String)]
    [InlineData("group_left", TokenKind.GroupLeft)]
    [InlineData("rate", TokenKind.Identifier)]
    [InlineData("rate (", TokenKind.Rate)]
    [InlineData("sum by (", TokenKind.Sum)]
    [InlineData("!>", TokenKind.Npa)]
    [InlineData("@", TokenKind.Identifier)]
    public void Lexer_RecognizesTokenKinds(string text, TokenKind kind)
    {
        Assert.Equal(kind, Lexer.Tokenize(text)[0].Kind);
    }
}
