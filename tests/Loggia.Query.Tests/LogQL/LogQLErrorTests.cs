using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Tests.LogQL;

public class LogQLErrorTests
{
    private const string NeedMatcher =
        "parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will";

    public static TheoryData<string, string> LokiErrors => new()
    {
        { "unk({ foo = \"bar\" }[5m])", "parse error at line 1, col 1: syntax error: unexpected IDENTIFIER" },
        { "absent_over_time({ foo = \"bar\" }[5h]) by (foo)", "parse error : grouping not allowed for absent_over_time aggregation" },
        { "rate({ foo = \"bar\" }[5minutes])", "parse error at line 0, col 21: not a valid duration string: \"5minutes\"" },
        { "label_replace(rate({ foo = \"bar\" }[5m]),\"\")", "parse error at line 1, col 43: syntax error: unexpected ), expecting ," },
        { "rate({ foo = \"bar\" }[5)", "parse error at line 0, col 21: missing closing ']' in duration" },
        { "min({ foo = \"bar\" }[5m])", "parse error at line 0, col 20: syntax error: unexpected RANGE" },
        { "sum(3 ,count_over_time({ foo = \"bar\" }[5h]))", "parse error : unsupported parameter for operation sum(3," },
        { "topk(count_over_time({ foo = \"bar\" }[5h]))", "parse error : parameter required for operation topk" },
        { "bottomk(he,count_over_time({ foo = \"bar\" }[5h]))", "parse error at line 1, col 9: syntax error: unexpected IDENTIFIER" },
        { "bottomk(1.2,count_over_time({ foo = \"bar\" }[5h]))", "parse error : invalid parameter bottomk(1.2," },
        { "topk(0,count_over_time({ foo = \"bar\" }[5h]))", "parse error : invalid parameter (must be greater than 0) topk(0" },
        { "stddev({ foo = \"bar\" })", "parse error at line 1, col 23: syntax error: unexpected )" },
        { "{foo=\"bar\"} + {foo=\"bar\"}", "parse error : unexpected type for left leg of binary operation (+): *syntax.MatchersExpr" },
        { "sum(count_over_time({foo=\"bar\"}[5m])) by (foo) - {foo=\"bar\"}", "parse error : unexpected type for right leg of binary operation (-): *syntax.MatchersExpr" },
        { "sum(count_over_time({foo=\"bar\"}[5m])) by (foo) or 1", "parse error : unexpected literal for right leg of logical/set binary operation (or): 1.000000" },
        { "1 unless sum(count_over_time({foo=\"bar\"}[5m])) by (foo)", "parse error : unexpected literal for left leg of logical/set binary operation (unless): 1.000000" },
        { "bool 1 > 1 > bool 1", "parse error at line 1, col 1: syntax error: unexpected bool" },
        { "sum_over_time({namespace=\"tns\"} |= \"level=error\" | json |foo>=5,bar<25ms| unwrap latency [5m]) by (foo)", "parse error : grouping not allowed for sum_over_time aggregation" },
        { "sum_over_time(50,{namespace=\"tns\"} | unwrap latency [5m])", "parse error : parameter 50 not supported for operation sum_over_time" },
        { "quantile_over_time({namespace=\"tns\"} | unwrap latency [5m])", "parse error : parameter required for operation quantile_over_time" },
        { "quantile_over_time(foo,{namespace=\"tns\"} | unwrap latency [5m])", "parse error at line 1, col 20: syntax error: unexpected IDENTIFIER, expecting NUMBER or { or (" },
        { "#{app=\"foo\"} | json", "parse error at line 1, col 20: syntax error: unexpected $end" },
        { "count_over_time({a=\"b\"} | unwrap x [5m])", "parse error : invalid aggregation count_over_time with unwrap" },
        { "sum_over_time({a=\"b\"}[5m])", "parse error : invalid aggregation sum_over_time without unwrap" },
        { "{a=\"b\"} | unwrap x", "parse error at line 1, col 11: syntax error: unexpected unwrap" },
        { "{}", NeedMatcher },
        { "{foo!=\"bar\"}", NeedMatcher },
        { "{app=~\".*\"}", NeedMatcher },
        { "{foo!~\"bar|baz\"}", NeedMatcher },
        { "count_over_time({app=~\".*\"}[5m])", NeedMatcher },
        { "1 + count_over_time({app=~\".+\"}[5m]) + count_over_time({app=~\".*\"}[5m])", NeedMatcher },
        { "{foo", "parse error at line 1, col 5: syntax error: unexpected $end, expecting = or =~ or !~ or !=" },
        { "{foo=\"bar", "parse error at line 1, col 6: literal not terminated" },
        { "{foo=~\"(\"}", "parse error : error parsing regexp: missing closing ): `(`" },
        { "{a=\"b\"} | regexp \"(\\\\w+)\"", "parse error : invalid regexp parser: at least one named capture must be supplied" },
        { "{a=\"b\"} | pattern \"foo\"", "parse error : invalid pattern parser: at least one capture is required" },
        { "sort(rate({a=\"b\"}[5m])) by (a)", "parse error : sort and sort_desc doesn't allow grouping by " },
        { "", "parse error : syntax error: unexpected $end" },
    };

    [Theory]
    [MemberData(nameof(LokiErrors))]
    public void Parse_InvalidQuery_ThrowsLokisMessage(string query, string message)
    {
        var ex = Assert.Throws<LogQLParseException>(() => LogQLParser.Parse(query));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Parse_InputTooLong_IsRejectedLikeLoki()
    {
        var q = "{a=\"" + new string('x', 6000) + "\"}";
        var ex = Assert.Throws<LogQLParseException>(() => LogQLParser.Parse(q));
        Assert.Equal("parse error : input size too long (6006 > 5120)", ex.Message);
    }

    [Fact]
    public void Parse_ErrorPosition_IsExposedOnException()
    {
        var ex = Assert.Throws<LogQLParseException>(() => LogQLParser.Parse("unk({ foo = \"bar\" }[5m])"));
        Assert.Equal(1, ex.Line);
        Assert.Equal(1, ex.Column);
        Assert.Equal("syntax error: unexpected IDENTIFIER", ex.Detail);
    }
}
