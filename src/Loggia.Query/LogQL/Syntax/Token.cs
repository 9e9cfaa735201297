namespace Loggia.Query.LogQL.Syntax;

/// <summary>
/// LogQL token kinds. The order follows Loki's grammar declaration order so that "expecting" lists
/// in error messages come out in Loki's order.
/// </summary>
public enum TokenKind
{
    Eof,
    Bytes, Identifier, String, Number, ParserFlag, Duration, Range,
    Eq, Re, Nre, Npa, OpenBrace, CloseBrace, OpenBracket, CloseBracket, Comma, Dot,
    PipeMatch, PipeExact, PipePattern, OpenParen, CloseParen, By, Without,
    CountOverTime, Rate, RateCounter, Sum, Sort, SortDesc, Avg, Max, Min, Count, Stddev, Stdvar,
    Bottomk, Topk, ApproxTopk, BytesOverTime, BytesRate, Bool, Json, Regexp, Logfmt, Pipe,
    LineFmt, LabelFmt, Unwrap, AvgOverTime, SumOverTime, MinOverTime, MaxOverTime, StdvarOverTime,
    StddevOverTime, QuantileOverTime, BytesConv, DurationConv, DurationSecondsConv, FirstOverTime,
    LastOverTime, AbsentOverTime, Vector, LabelReplace, Unpack, Offset, Pattern, Ip, On, Ignoring,
    GroupLeft, GroupRight, Decolorize, Drop, Keep,
    Or, And, Unless, CmpEq, Neq, Lt, Lte, Gt, Gte, Add, Sub, Mul, Div, Mod, Pow,

    /// <summary>A lexical error; the parser reports it when it reaches this token.</summary>
    Error,
}

/// <summary>
/// One token with its source position. <see cref="Line"/>/<see cref="Column"/> are the true 1-based
/// start; <see cref="ReportedLine"/> is what Loki prints in errors (0 after tokens its lexer finishes
/// with <c>Next()</c>).
/// </summary>
public readonly record struct Token(TokenKind Kind, string Text, int Line, int Column, int ReportedLine)
{
    /// <summary>The token's name as Loki's parser prints it in syntax errors.</summary>
    public string Name => TokenNames.Of(Kind);
}

internal static class TokenNames
{
    private static readonly Dictionary<TokenKind, string> Names = Build();

    public static string Of(TokenKind kind) => Names.TryGetValue(kind, out var n) ? n : kind.ToString().ToUpperInvariant();

    private static Dictionary<TokenKind, string> Build()
    {
        var d = new Dictionary<TokenKind, string>
        {
            [TokenKind.Eof] = "$end",
            [TokenKind.Bytes] = "BYTES",
            [TokenKind.Identifier] = "IDENTIFIER",
            [TokenKind.String] = "STRING",
            [TokenKind.Number] = "NUMBER",
            [TokenKind.ParserFlag] = "PARSER_FLAG",
            [TokenKind.Duration] = "DURATION",
            [TokenKind.Range] = "RANGE",
            [TokenKind.CountOverTime] = "COUNT_OVER_TIME",
            [TokenKind.Rate] = "RATE",
            [TokenKind.RateCounter] = "RATE_COUNTER",
            [TokenKind.Sum] = "SUM",
            [TokenKind.Sort] = "SORT",
            [TokenKind.SortDesc] = "SORT_DESC",
            [TokenKind.Avg] = "AVG",
            [TokenKind.Max] = "MAX",
            [TokenKind.Min] = "MIN",
            [TokenKind.Count] = "COUNT",
            [TokenKind.Stddev] = "STDDEV",
            [TokenKind.Stdvar] = "STDVAR",
            [TokenKind.Bottomk] = "BOTTOMK",
            [TokenKind.Topk] = "TOPK",
            [TokenKind.ApproxTopk] = "APPROX_TOPK",
            [TokenKind.BytesOverTime] = "BYTES_OVER_TIME",
            [TokenKind.BytesRate] = "BYTES_RATE",
            [TokenKind.AvgOverTime] = "AVG_OVER_TIME",
            [TokenKind.SumOverTime] = "SUM_OVER_TIME",
            [TokenKind.MinOverTime] = "MIN_OVER_TIME",
            [TokenKind.MaxOverTime] = "MAX_OVER_TIME",
            [TokenKind.StdvarOverTime] = "STDVAR_OVER_TIME",
            [TokenKind.StddevOverTime] = "STDDEV_OVER_TIME",
            [TokenKind.QuantileOverTime] = "QUANTILE_OVER_TIME",
            [TokenKind.FirstOverTime] = "FIRST_OVER_TIME",
            [TokenKind.LastOverTime] = "LAST_OVER_TIME",
            [TokenKind.AbsentOverTime] = "ABSENT_OVER_TIME",
            [TokenKind.BytesConv] = "BYTES_CONV",
            [TokenKind.DurationConv] = "DURATION_CONV",
            [TokenKind.DurationSecondsConv] = "DURATION_SECONDS_CONV",
            [TokenKind.Vector] = "VECTOR",
            [TokenKind.Error] = "error",
        };
        // Tokens with a fixed spelling are printed by that spelling, as Loki does.
        foreach (var (text, kind) in Lexer.Keywords)
        {
            d[kind] = text;
        }
        foreach (var (text, kind) in Lexer.Symbols)
        {
            d[kind] = text;
        }
        return d;
    }
}
