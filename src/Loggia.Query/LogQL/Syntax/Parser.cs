using System.Globalization;
using System.Text;

namespace Loggia.Query.LogQL.Syntax;

/// <summary>
/// Hand-written recursive-descent parser for LogQL following Loki's grammar (syntax.y): binary
/// operators by precedence climbing, everything else by recursive descent. Syntax errors are thrown
/// at once; the checks Loki performs while building nodes (parameters, grouping, unwrap, binary
/// operand types) are remembered and thrown after the whole input parsed, as Loki reports them.
/// </summary>
internal sealed class Parser
{
    internal const int MaxInputSize = 5120;

    /// <summary>Nesting bound so hostile input cannot exhaust the stack (Loki has no such limit).</summary>
    internal const int MaxDepth = 200;

    private readonly List<Token> _tokens;
    private int _pos;
    private int _depth;
    private LogQLParseException? _deferred;

    private Parser(List<Token> tokens) => _tokens = tokens;

    public static Expr ParseUnvalidated(string input)
    {
        var size = Encoding.UTF8.GetByteCount(input);
        if (size >= MaxInputSize)
        {
            throw new LogQLParseException($"input size too long ({size} > {MaxInputSize})", 0, 0);
        }
        var p = new Parser(Lexer.Tokenize(input));
        var e = p.ParseExpr(0);
        if (p.Cur.Kind != TokenKind.Eof)
        {
            throw p.Unexpected();
        }
        if (p._deferred != null)
        {
            throw p._deferred;
        }
        return e;
    }

    // ---- token access -------------------------------------------------------------------------

    private Token Cur
    {
        get
        {
            var t = _tokens[_pos];
            if (t.Kind == TokenKind.Error)
            {
                throw new LogQLParseException(t.Text, t.ReportedLine, t.Column);
            }
            return t;
        }
    }

    private TokenKind PeekKind(int ahead) => _tokens[Math.Min(_pos + ahead, _tokens.Count - 1)].Kind;

    private Token Take()
    {
        var t = Cur;
        if (t.Kind != TokenKind.Eof)
        {
            _pos++;
        }
        return t;
    }

    private Token Expect(TokenKind kind, params TokenKind[] expected)
    {
        if (Cur.Kind != kind)
        {
            throw Unexpected(expected.Length == 0 ? [kind] : expected);
        }
        return Take();
    }

    private LogQLParseException Unexpected(params TokenKind[] expected)
    {
        var t = Cur;
        var sb = new StringBuilder("syntax error: unexpected ").Append(t.Name);
        if (expected.Length is > 0 and <= 4)
        {
            var sorted = expected.Distinct().Order().ToArray();
            for (var i = 0; i < sorted.Length; i++)
            {
                sb.Append(i == 0 ? ", expecting " : " or ").Append(TokenNames.Of(sorted[i]));
            }
        }
        return new LogQLParseException(sb.ToString(), t.ReportedLine, t.Column);
    }

    private void Defer(string message) => _deferred ??= new LogQLParseException(message, 0, 0);

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw new LogQLParseException("expression nesting too deep", 0, 0);
        }
    }

    private void Leave() => _depth--;

    // ---- expressions --------------------------------------------------------------------------

    private static (BinaryOp Op, int Prec)? BinaryOperator(TokenKind k) => k switch
    {
        TokenKind.Or => (BinaryOp.Or, 1),
        TokenKind.And => (BinaryOp.And, 2),
        TokenKind.Unless => (BinaryOp.Unless, 2),
        TokenKind.CmpEq => (BinaryOp.Eq, 3),
        TokenKind.Neq => (BinaryOp.Neq, 3),
        TokenKind.Gt => (BinaryOp.Gt, 3),
        TokenKind.Gte => (BinaryOp.Gte, 3),
        TokenKind.Lt => (BinaryOp.Lt, 3),
        TokenKind.Lte => (BinaryOp.Lte, 3),
        TokenKind.Add => (BinaryOp.Add, 4),
        TokenKind.Sub => (BinaryOp.Sub, 4),
        TokenKind.Mul => (BinaryOp.Mul, 5),
        TokenKind.Div => (BinaryOp.Div, 5),
        TokenKind.Mod => (BinaryOp.Mod, 5),
        TokenKind.Pow => (BinaryOp.Pow, 6),
        _ => null,
    };

    private Expr ParseExpr(int minPrec)
    {
        Enter();
        var left = ParsePrimary();
        while (BinaryOperator(Cur.Kind) is { } bin && bin.Prec >= minPrec)
        {
            Take();
            var modifier = ParseModifier();
            var right = ParseExpr(bin.Op == BinaryOp.Pow ? bin.Prec : bin.Prec + 1);
            left = MakeBinary(bin.Op, modifier, left, right);
        }
        Leave();
        return left;
    }

    private Expr ParsePrimary()
    {
        var t = Cur;
        switch (t.Kind)
        {
            case TokenKind.OpenParen:
                {
                    Take();
                    var inner = ParseExpr(0);
                    Expect(TokenKind.CloseParen);
                    return inner;
                }
            case TokenKind.OpenBrace:
                return ParseLogExpr();
            case TokenKind.Number:
                Take();
                return new LiteralExpr(ParseNumber(t.Text));
            case TokenKind.Add or TokenKind.Sub:
                {
                    Take();
                    var n = Expect(TokenKind.Number);
                    var v = ParseNumber(n.Text);
                    return new LiteralExpr(t.Kind == TokenKind.Sub ? -v : v);
                }
            case TokenKind.LabelReplace:
                return ParseLabelReplace();
            case TokenKind.Vector:
                {
                    Take();
                    Expect(TokenKind.OpenParen);
                    var n = Expect(TokenKind.Number);
                    Expect(TokenKind.CloseParen);
                    return new VectorExpr(ParseNumber(n.Text));
                }
        }
        if (RangeOperator(t.Kind) is { } rop)
        {
            return ParseRangeAggregation(rop);
        }
        if (VectorOperator(t.Kind) is { } vop)
        {
            return ParseVectorAggregation(vop);
        }
        throw Unexpected();
    }

    private static double ParseNumber(string text) =>
        double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private BinaryOpModifier ParseModifier()
    {
        var returnBool = false;
        if (Cur.Kind == TokenKind.Bool)
        {
            Take();
            returnBool = true;
        }
        if (Cur.Kind is not (TokenKind.On or TokenKind.Ignoring))
        {
            return returnBool ? BinaryOpModifier.Default with { ReturnBool = true } : BinaryOpModifier.Default;
        }
        var on = Take().Kind == TokenKind.On;
        Expect(TokenKind.OpenParen);
        var labels = ParseLabelList();
        var card = VectorMatchCardinality.OneToOne;
        var include = SyntaxList<string>.Empty;
        if (Cur.Kind is TokenKind.GroupLeft or TokenKind.GroupRight)
        {
            card = Take().Kind == TokenKind.GroupLeft ? VectorMatchCardinality.ManyToOne : VectorMatchCardinality.OneToMany;
            if (Cur.Kind == TokenKind.OpenParen)
            {
                Take();
                include = ParseLabelList();
            }
        }
        return new BinaryOpModifier(returnBool, on, labels, card, include);
    }

    /// <summary>Parses <c>a, b, c)</c> after an opening parenthesis (possibly just <c>)</c>).</summary>
    private SyntaxList<string> ParseLabelList()
    {
        var labels = new List<string>();
        if (Cur.Kind == TokenKind.CloseParen)
        {
            Take();
            return SyntaxList<string>.Empty;
        }
        while (true)
        {
            labels.Add(Expect(TokenKind.Identifier, TokenKind.Identifier, TokenKind.CloseParen).Text);
            if (Cur.Kind == TokenKind.Comma)
            {
                Take();
                labels.Add(Expect(TokenKind.Identifier).Text);
                while (Cur.Kind == TokenKind.Comma)
                {
                    Take();
                    labels.Add(Expect(TokenKind.Identifier).Text);
                }
            }
            Expect(TokenKind.CloseParen, TokenKind.CloseParen, TokenKind.Comma);
            return new SyntaxList<string>(labels);
        }
    }

    private Expr MakeBinary(BinaryOp op, BinaryOpModifier modifier, Expr left, Expr right)
    {
        var name = LogQLOperators.Name(op);
        if (left is not SampleExpr l)
        {
            Defer($"unexpected type for left leg of binary operation ({name}): {GoTypeName(left)}");
            return new LiteralExpr(0);
        }
        if (right is not SampleExpr r)
        {
            Defer($"unexpected type for right leg of binary operation ({name}): {GoTypeName(right)}");
            return new LiteralExpr(0);
        }
        var logical = op is BinaryOp.Or or BinaryOp.And or BinaryOp.Unless;
        if (logical && l is LiteralExpr ll)
        {
            Defer($"unexpected literal for left leg of logical/set binary operation ({name}): {GoFloat.FormatF6(ll.Value)}");
            return new LiteralExpr(0);
        }
        if (logical && r is LiteralExpr rl)
        {
            Defer($"unexpected literal for right leg of logical/set binary operation ({name}): {GoFloat.FormatF6(rl.Value)}");
            return new LiteralExpr(0);
        }
        if (l is LiteralExpr a && r is LiteralExpr b)
        {
            return new LiteralExpr(Fold(op, a.Value, b.Value));
        }
        return new BinaryOpExpr(op, l, r, modifier);
    }

    private static string GoTypeName(Expr e) => e is PipelineExpr ? "*syntax.PipelineExpr" : "*syntax.MatchersExpr";

    /// <summary>Loki folds operations on two literals at parse time (comparisons yield 1 or 0).</summary>
    internal static double Fold(BinaryOp op, double a, double b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Sub => a - b,
        BinaryOp.Mul => a * b,
        BinaryOp.Div => b == 0 ? double.NaN : a / b,
        BinaryOp.Mod => b == 0 ? double.NaN : a % b,
        BinaryOp.Pow => Math.Pow(a, b),
        BinaryOp.Eq => a == b ? 1 : 0,
        BinaryOp.Neq => a != b ? 1 : 0,
        BinaryOp.Gt => a > b ? 1 : 0,
        BinaryOp.Gte => a >= b ? 1 : 0,
        BinaryOp.Lt => a < b ? 1 : 0,
        BinaryOp.Lte => a <= b ? 1 : 0,
        _ => double.NaN,
    };

    // ---- metric functions ---------------------------------------------------------------------

    private static RangeOp? RangeOperator(TokenKind k) => k switch
    {
        TokenKind.CountOverTime => RangeOp.CountOverTime,
        TokenKind.Rate => RangeOp.Rate,
        TokenKind.RateCounter => RangeOp.RateCounter,
        TokenKind.BytesOverTime => RangeOp.BytesOverTime,
        TokenKind.BytesRate => RangeOp.BytesRate,
        TokenKind.AvgOverTime => RangeOp.AvgOverTime,
        TokenKind.SumOverTime => RangeOp.SumOverTime,
        TokenKind.MinOverTime => RangeOp.MinOverTime,
        TokenKind.MaxOverTime => RangeOp.MaxOverTime,
        TokenKind.StdvarOverTime => RangeOp.StdvarOverTime,
        TokenKind.StddevOverTime => RangeOp.StddevOverTime,
        TokenKind.QuantileOverTime => RangeOp.QuantileOverTime,
        TokenKind.FirstOverTime => RangeOp.FirstOverTime,
        TokenKind.LastOverTime => RangeOp.LastOverTime,
        TokenKind.AbsentOverTime => RangeOp.AbsentOverTime,
        _ => null,
    };

    private static VectorOp? VectorOperator(TokenKind k) => k switch
    {
        TokenKind.Sum => VectorOp.Sum,
        TokenKind.Avg => VectorOp.Avg,
        TokenKind.Min => VectorOp.Min,
        TokenKind.Max => VectorOp.Max,
        TokenKind.Count => VectorOp.Count,
        TokenKind.Stddev => VectorOp.Stddev,
        TokenKind.Stdvar => VectorOp.Stdvar,
        TokenKind.Bottomk => VectorOp.Bottomk,
        TokenKind.Topk => VectorOp.Topk,
        TokenKind.Sort => VectorOp.Sort,
        TokenKind.SortDesc => VectorOp.SortDesc,
        TokenKind.ApproxTopk => VectorOp.ApproxTopk,
        _ => null,
    };

    private Grouping ParseGrouping()
    {
        var without = Take().Kind == TokenKind.Without;
        Expect(TokenKind.OpenParen);
        return new Grouping(without, ParseLabelList());
    }

    private RangeAggregationExpr ParseRangeAggregation(RangeOp op)
    {
        Take();
        Expect(TokenKind.OpenParen);
        string? param = null;
        if (Cur.Kind == TokenKind.Number && PeekKind(1) == TokenKind.Comma)
        {
            param = Take().Text;
            Take();
        }
        var range = ParseLogRange(param == null);
        Expect(TokenKind.CloseParen);
        Grouping? grouping = null;
        if (Cur.Kind is TokenKind.By or TokenKind.Without)
        {
            grouping = ParseGrouping();
        }

        var name = LogQLOperators.Name(op);
        double? parameter = null;
        if (param != null)
        {
            if (op != RangeOp.QuantileOverTime)
            {
                Defer($"parameter {param} not supported for operation {name}");
            }
            else
            {
                parameter = ParseNumber(param);
            }
        }
        else if (op == RangeOp.QuantileOverTime)
        {
            Defer($"parameter required for operation {name}");
        }
        if (ValidateRange(op, grouping, range.Unwrap != null) is { } error)
        {
            Defer(error);
        }
        return new RangeAggregationExpr(op, range, parameter, grouping);
    }

    private static string? ValidateRange(RangeOp op, Grouping? grouping, bool unwrapped)
    {
        var name = LogQLOperators.Name(op);
        if (grouping != null && op is not (RangeOp.AvgOverTime or RangeOp.StddevOverTime or RangeOp.StdvarOverTime
            or RangeOp.QuantileOverTime or RangeOp.MaxOverTime or RangeOp.MinOverTime or RangeOp.FirstOverTime or RangeOp.LastOverTime))
        {
            return $"grouping not allowed for {name} aggregation";
        }
        if (unwrapped)
        {
            return op is RangeOp.CountOverTime or RangeOp.BytesOverTime or RangeOp.BytesRate
                ? $"invalid aggregation {name} with unwrap"
                : null;
        }
        return op is RangeOp.BytesOverTime or RangeOp.BytesRate or RangeOp.CountOverTime or RangeOp.Rate or RangeOp.AbsentOverTime
            ? null
            : $"invalid aggregation {name} without unwrap";
    }

    private VectorAggregationExpr ParseVectorAggregation(VectorOp op)
    {
        Take();
        Grouping? grouping = null;
        var groupingFirst = false;
        if (Cur.Kind is TokenKind.By or TokenKind.Without)
        {
            grouping = ParseGrouping();
            groupingFirst = true;
        }
        Expect(TokenKind.OpenParen);
        string? param = null;
        if (Cur.Kind == TokenKind.Number && PeekKind(1) == TokenKind.Comma)
        {
            param = Take().Text;
            Take();
        }
        var inner = ParseSampleOperand();
        Expect(TokenKind.CloseParen);
        if (!groupingFirst && Cur.Kind is TokenKind.By or TokenKind.Without)
        {
            grouping = ParseGrouping();
        }

        var name = LogQLOperators.Name(op);
        var p = 0;
        if (op is VectorOp.Topk or VectorOp.Bottomk or VectorOp.ApproxTopk)
        {
            if (param == null)
            {
                Defer($"parameter required for operation {name}");
            }
            else if (!int.TryParse(param, NumberStyles.None, CultureInfo.InvariantCulture, out p))
            {
                Defer($"invalid parameter {name}({param},");
            }
            else if (p <= 0)
            {
                Defer($"invalid parameter (must be greater than 0) {name}({param}");
            }
            else if (op == VectorOp.ApproxTopk && grouping != null)
            {
                Defer($"grouping not allowed for {name} aggregation");
            }
        }
        else if (param != null)
        {
            Defer($"unsupported parameter for operation {name}({param},");
        }
        return new VectorAggregationExpr(op, inner, grouping ?? Grouping.None, p);
    }

    /// <summary>A metric expression argument; a log query here is a syntax error at the token after it.</summary>
    private SampleExpr ParseSampleOperand()
    {
        var e = ParseExpr(0);
        if (e is SampleExpr s)
        {
            return s;
        }
        throw Unexpected();
    }

    private LabelReplaceExpr ParseLabelReplace()
    {
        Take();
        Expect(TokenKind.OpenParen);
        var inner = ParseSampleOperand();
        var args = new string[4];
        for (var i = 0; i < 4; i++)
        {
            Expect(TokenKind.Comma);
            args[i] = Expect(TokenKind.String).Text;
        }
        Expect(TokenKind.CloseParen);
        if (RegexValidation.Validate("^(?:" + args[3] + ")$", out _) is { } err)
        {
            Defer("invalid regex in label_replace: " + err);
        }
        return new LabelReplaceExpr(inner, args[0], args[1], args[2], args[3]);
    }

    // ---- log ranges ---------------------------------------------------------------------------

    private LogRange ParseLogRange(bool numberAllowed)
    {
        Enter();
        LogRange result;
        if (Cur.Kind == TokenKind.OpenParen)
        {
            Take();
            if (Cur.Kind == TokenKind.OpenParen)
            {
                result = ParseLogRange(false);
                Expect(TokenKind.CloseParen);
            }
            else
            {
                if (Cur.Kind != TokenKind.OpenBrace)
                {
                    throw Unexpected(TokenKind.OpenBrace, TokenKind.OpenParen);
                }
                var sel = ParseSelector();
                var stages = ParsePipeline(inRange: true);
                var unwrap = TryParseUnwrap();
                if (Cur.Kind == TokenKind.Range)
                {
                    result = ParseRangeTail(sel, stages, unwrap, allowAfter: true);
                    Expect(TokenKind.CloseParen);
                }
                else
                {
                    Expect(TokenKind.CloseParen);
                    result = ParseRangeTail(sel, stages, unwrap, allowAfter: false);
                }
            }
        }
        else if (Cur.Kind == TokenKind.OpenBrace)
        {
            var sel = ParseSelector();
            var stages = ParsePipeline(inRange: true);
            var unwrap = TryParseUnwrap();
            result = ParseRangeTail(sel, stages, unwrap, allowAfter: true);
        }
        else
        {
            throw numberAllowed
                ? Unexpected(TokenKind.Number, TokenKind.OpenBrace, TokenKind.OpenParen)
                : Unexpected(TokenKind.OpenBrace, TokenKind.OpenParen);
        }
        Leave();
        return result;
    }

    private LogRange ParseRangeTail(MatchersExpr sel, List<PipelineStage> stages, UnwrapExpr? unwrap, bool allowAfter)
    {
        if (Cur.Kind != TokenKind.Range)
        {
            throw Unexpected();
        }
        var rangeText = Take().Text;
        _ = GoDuration.TryParsePrometheus(rangeText, out var interval, out _);
        var offset = TimeSpan.Zero;
        if (Cur.Kind == TokenKind.Offset)
        {
            Take();
            var d = Expect(TokenKind.Duration);
            _ = GoDuration.TryParseLexer(d.Text, out offset);
        }
        if (allowAfter && stages.Count == 0 && unwrap == null)
        {
            stages = ParsePipeline(inRange: true);
            unwrap = TryParseUnwrap();
        }
        LogSelectorExpr selector = stages.Count == 0 ? sel : new PipelineExpr(sel, new SyntaxList<PipelineStage>(stages));
        return new LogRange(selector, interval, offset, unwrap);
    }

    private UnwrapExpr? TryParseUnwrap()
    {
        if (Cur.Kind != TokenKind.Pipe || PeekKind(1) != TokenKind.Unwrap)
        {
            return null;
        }
        Take();
        Take();
        string label;
        var conv = UnwrapConversion.None;
        switch (Cur.Kind)
        {
            case TokenKind.Identifier:
                label = Take().Text;
                break;
            case TokenKind.BytesConv or TokenKind.DurationConv or TokenKind.DurationSecondsConv:
                conv = Take().Kind switch
                {
                    TokenKind.BytesConv => UnwrapConversion.Bytes,
                    TokenKind.DurationConv => UnwrapConversion.Duration,
                    _ => UnwrapConversion.DurationSeconds,
                };
                Expect(TokenKind.OpenParen);
                label = Expect(TokenKind.Identifier).Text;
                Expect(TokenKind.CloseParen);
                break;
            default:
                throw Unexpected(TokenKind.Identifier, TokenKind.BytesConv, TokenKind.DurationConv, TokenKind.DurationSecondsConv);
        }
        var post = new List<LabelFilterExpr>();
        while (Cur.Kind == TokenKind.Pipe)
        {
            Take();
            post.Add(ParseLabelFilter(FilterContext.Top));
        }
        return new UnwrapExpr(label, conv, new SyntaxList<LabelFilterExpr>(post));
    }

    // ---- log queries --------------------------------------------------------------------------

    private LogSelectorExpr ParseLogExpr()
    {
        var sel = ParseSelector();
        var stages = ParsePipeline(inRange: false);
        return stages.Count == 0 ? sel : new PipelineExpr(sel, new SyntaxList<PipelineStage>(stages));
    }

    private MatchersExpr ParseSelector()
    {
        Expect(TokenKind.OpenBrace);
        var list = new List<LabelMatcher>();
        if (Cur.Kind == TokenKind.CloseBrace)
        {
            Take();
            return new MatchersExpr(SyntaxList<LabelMatcher>.Empty);
        }
        if (Cur.Kind != TokenKind.Identifier)
        {
            throw Unexpected(TokenKind.Identifier, TokenKind.CloseBrace);
        }
        while (true)
        {
            list.Add(ParseMatcher(Expect(TokenKind.Identifier).Text));
            if (Cur.Kind == TokenKind.Comma)
            {
                Take();
                continue;
            }
            Expect(TokenKind.CloseBrace, TokenKind.CloseBrace, TokenKind.Comma);
            return new MatchersExpr(new SyntaxList<LabelMatcher>(list));
        }
    }

    private LabelMatcher ParseMatcher(string name)
    {
        var op = Cur.Kind switch
        {
            TokenKind.Eq => MatchOperator.Equal,
            TokenKind.Neq => MatchOperator.NotEqual,
            TokenKind.Re => MatchOperator.Regex,
            TokenKind.Nre => MatchOperator.NotRegex,
            _ => throw Unexpected(TokenKind.Eq, TokenKind.Neq, TokenKind.Re, TokenKind.Nre),
        };
        Take();
        var value = Expect(TokenKind.String).Text;
        return MakeMatcher(name, op, value);
    }

    private static LabelMatcher MakeMatcher(string name, MatchOperator op, string value)
    {
        if (op is MatchOperator.Regex or MatchOperator.NotRegex && RegexValidation.Validate("^(?s:" + value + ")$", out _) is { } err)
        {
            // Report the user's regex, not the anchored wrapper.
            throw new LogQLParseException(RegexValidation.Validate(value, out _) ?? err, 0, 0);
        }
        return new LabelMatcher(name, op, value);
    }

    private List<PipelineStage> ParsePipeline(bool inRange)
    {
        var stages = new List<PipelineStage>();
        while (true)
        {
            switch (Cur.Kind)
            {
                case TokenKind.PipeExact or TokenKind.PipeMatch or TokenKind.PipePattern or TokenKind.Neq or TokenKind.Nre or TokenKind.Npa:
                    ParseLineFilter(stages);
                    break;
                case TokenKind.Pipe:
                    if (inRange && PeekKind(1) == TokenKind.Unwrap)
                    {
                        return stages;
                    }
                    Take();
                    stages.Add(ParseStage());
                    break;
                default:
                    return stages;
            }
        }
    }

    private void ParseLineFilter(List<PipelineStage> stages)
    {
        var op = Take().Kind switch
        {
            TokenKind.PipeExact => LineFilterOp.Contains,
            TokenKind.Neq => LineFilterOp.NotContains,
            TokenKind.PipeMatch => LineFilterOp.Regex,
            TokenKind.Nre => LineFilterOp.NotRegex,
            TokenKind.PipePattern => LineFilterOp.Pattern,
            _ => LineFilterOp.NotPattern,
        };
        var values = new List<LineFilterValue> { ParseLineFilterValue() };
        while (Cur.Kind == TokenKind.Or)
        {
            Take();
            values.Add(ParseLineFilterValue());
        }
        if (values.Count > 1 && op is LineFilterOp.NotContains or LineFilterOp.NotRegex or LineFilterOp.NotPattern)
        {
            // !(a or b) == !a and !b: Loki turns the chain into separate filters.
            foreach (var v in values)
            {
                stages.Add(new LineFilter(op, SyntaxList.Of(v)));
            }
            return;
        }
        stages.Add(new LineFilter(op, new SyntaxList<LineFilterValue>(values)));
    }

    private LineFilterValue ParseLineFilterValue()
    {
        switch (Cur.Kind)
        {
            case TokenKind.String:
                return new LineFilterValue(Take().Text);
            case TokenKind.Ip:
                {
                    Take();
                    Expect(TokenKind.OpenParen);
                    var s = Expect(TokenKind.String).Text;
                    Expect(TokenKind.CloseParen);
                    return new LineFilterValue(s, IsIp: true);
                }
            default:
                throw Unexpected(TokenKind.String, TokenKind.Ip);
        }
    }

    private PipelineStage ParseStage()
    {
        switch (Cur.Kind)
        {
            case TokenKind.Json:
                Take();
                return new JsonParserStage(Cur.Kind == TokenKind.Identifier ? ParseExtractions() : SyntaxList<LabelExtraction>.Empty);
            case TokenKind.Logfmt:
                {
                    Take();
                    bool strict = false, keepEmpty = false;
                    while (Cur.Kind == TokenKind.ParserFlag)
                    {
                        if (Take().Text == "--strict")
                        {
                            strict = true;
                        }
                        else
                        {
                            keepEmpty = true;
                        }
                    }
                    var ex = Cur.Kind == TokenKind.Identifier ? ParseExtractions() : SyntaxList<LabelExtraction>.Empty;
                    return new LogfmtParserStage(strict, keepEmpty, ex);
                }
            case TokenKind.Regexp:
                {
                    Take();
                    var re = Expect(TokenKind.String).Text;
                    if (ValidateRegexpParser(re) is { } err)
                    {
                        throw new LogQLParseException("invalid regexp parser: " + err, 0, 0);
                    }
                    return new RegexpParserStage(re);
                }
            case TokenKind.Pattern:
                {
                    Take();
                    var pattern = Expect(TokenKind.String).Text;
                    if (ValidatePattern(pattern) is { } err)
                    {
                        throw new LogQLParseException("invalid pattern parser: " + err, 0, 0);
                    }
                    return new PatternParserStage(pattern);
                }
            case TokenKind.Unpack:
                Take();
                return new UnpackParserStage();
            case TokenKind.Decolorize:
                Take();
                return new DecolorizeStage();
            case TokenKind.LineFmt:
                Take();
                return new LineFormatStage(Expect(TokenKind.String).Text);
            case TokenKind.LabelFmt:
                {
                    Take();
                    var items = new List<LabelFormatItem>();
                    do
                    {
                        if (items.Count > 0)
                        {
                            Take();
                        }
                        var name = Expect(TokenKind.Identifier).Text;
                        Expect(TokenKind.Eq);
                        items.Add(Cur.Kind switch
                        {
                            TokenKind.Identifier => new LabelFormatItem(name, Take().Text, true),
                            TokenKind.String => new LabelFormatItem(name, Take().Text, false),
                            _ => throw Unexpected(TokenKind.Identifier, TokenKind.String),
                        });
                    }
                    while (Cur.Kind == TokenKind.Comma);
                    return new LabelFormatStage(new SyntaxList<LabelFormatItem>(items));
                }
            case TokenKind.Drop or TokenKind.Keep:
                {
                    var drop = Take().Kind == TokenKind.Drop;
                    var list = new List<NamedLabelMatcher>();
                    do
                    {
                        if (list.Count > 0)
                        {
                            Take();
                        }
                        var name = Expect(TokenKind.Identifier).Text;
                        list.Add(Cur.Kind is TokenKind.Eq or TokenKind.Neq or TokenKind.Re or TokenKind.Nre
                            ? new NamedLabelMatcher(name, ParseMatcher(name))
                            : new NamedLabelMatcher(name, null));
                    }
                    while (Cur.Kind == TokenKind.Comma);
                    var labels = new SyntaxList<NamedLabelMatcher>(list);
                    return drop ? new DropLabelsStage(labels) : new KeepLabelsStage(labels);
                }
            case TokenKind.Identifier or TokenKind.OpenParen:
                return new LabelFilterStage(ParseLabelFilter(FilterContext.Top));
            default:
                throw Unexpected();
        }
    }

    private SyntaxList<LabelExtraction> ParseExtractions()
    {
        var list = new List<LabelExtraction>();
        do
        {
            if (list.Count > 0)
            {
                Take();
            }
            var name = Expect(TokenKind.Identifier).Text;
            if (Cur.Kind == TokenKind.Eq)
            {
                Take();
                list.Add(new LabelExtraction(name, Expect(TokenKind.String).Text));
            }
            else
            {
                list.Add(new LabelExtraction(name, name));
            }
        }
        while (Cur.Kind == TokenKind.Comma);
        return new SyntaxList<LabelExtraction>(list);
    }

    private static string? ValidateRegexpParser(string re)
    {
        if (RegexValidation.Validate(re, out var regex) is { } err)
        {
            return err;
        }
        var names = regex!.GetGroupNames().Where(n => !int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out _)).ToList();
        if (names.Count == 0)
        {
            return "at least one named capture must be supplied";
        }
        foreach (var n in names)
        {
            if (!(char.IsAsciiLetter(n[0]) || n[0] == '_') || !n.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return $"invalid extracted label name '{n}'";
            }
        }
        return null;
    }

    private static string? ValidatePattern(string pattern)
    {
        var named = new HashSet<string>(StringComparer.Ordinal);
        var lastWasCapture = false;
        var i = 0;
        var sawAny = false;
        while (i < pattern.Length)
        {
            if (pattern[i] == '<')
            {
                var close = pattern.IndexOf('>', i + 1);
                var name = close > i ? pattern[(i + 1)..close] : "";
                if (name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                {
                    if (lastWasCapture)
                    {
                        return $"found consecutive capture '{pattern[i..(close + 1)]}'";
                    }
                    if (name != "_" && !named.Add(name))
                    {
                        return $"duplicate capture name ({name})";
                    }
                    lastWasCapture = true;
                    sawAny = true;
                    i = close + 1;
                    continue;
                }
            }
            lastWasCapture = false;
            i++;
        }
        if (!sawAny || named.Count == 0)
        {
            return "at least one capture is required";
        }
        return null;
    }

    // ---- label filters ------------------------------------------------------------------------

    /// <summary>
    /// Where a label filter operand sits, to reproduce yacc's resolution of the grammar:
    /// <c>or</c> binds loosest, <c>and</c> tighter, and <c>,</c>/juxtaposition (no precedence) always shift.
    /// </summary>
    private enum FilterContext
    {
        Top,
        RightOfOr,
        RightOfAnd,
        RightOfNoPrec,
    }

    private LabelFilterExpr ParseLabelFilter(FilterContext ctx)
    {
        Enter();
        var left = ParseLabelFilterAtom();
        while (true)
        {
            var k = Cur.Kind;
            var isOr = k == TokenKind.Or;
            var isAnd = k == TokenKind.And;
            var isNoPrec = k == TokenKind.Comma || k is TokenKind.Identifier or TokenKind.OpenParen;
            if (!isOr && !isAnd && !isNoPrec)
            {
                break;
            }
            var shift = ctx switch
            {
                FilterContext.RightOfOr => !isOr,
                FilterContext.RightOfAnd => isNoPrec,
                _ => true,
            };
            if (!shift)
            {
                break;
            }
            if (k is TokenKind.Or or TokenKind.And or TokenKind.Comma)
            {
                Take();
            }
            var right = ParseLabelFilter(isOr ? FilterContext.RightOfOr : isAnd ? FilterContext.RightOfAnd : FilterContext.RightOfNoPrec);
            left = new BinaryLabelFilter(left, right, !isOr);
        }
        Leave();
        return left;
    }

    private LabelFilterExpr ParseLabelFilterAtom()
    {
        if (Cur.Kind == TokenKind.OpenParen)
        {
            Take();
            var inner = ParseLabelFilter(FilterContext.Top);
            Expect(TokenKind.CloseParen);
            return inner;
        }
        var name = Expect(TokenKind.Identifier, TokenKind.Identifier, TokenKind.OpenParen).Text;
        var opKind = Cur.Kind;
        switch (opKind)
        {
            case TokenKind.Re or TokenKind.Nre:
                Take();
                return new StringLabelFilter(MakeMatcher(name, opKind == TokenKind.Re ? MatchOperator.Regex : MatchOperator.NotRegex, Expect(TokenKind.String).Text));
            case TokenKind.Eq or TokenKind.Neq:
                {
                    Take();
                    var neg = opKind == TokenKind.Neq;
                    if (Cur.Kind == TokenKind.String)
                    {
                        return new StringLabelFilter(MakeMatcher(name, neg ? MatchOperator.NotEqual : MatchOperator.Equal, Take().Text));
                    }
                    if (Cur.Kind == TokenKind.Ip)
                    {
                        Take();
                        Expect(TokenKind.OpenParen);
                        var s = Expect(TokenKind.String).Text;
                        Expect(TokenKind.CloseParen);
                        return new IpLabelFilter(name, neg, s);
                    }
                    return ParseComparisonValue(name, neg ? LabelFilterOp.NotEqual : LabelFilterOp.Equal);
                }
            case TokenKind.CmpEq:
                Take();
                return ParseComparisonValue(name, LabelFilterOp.Equal);
            case TokenKind.Gt:
                Take();
                return ParseComparisonValue(name, LabelFilterOp.GreaterThan);
            case TokenKind.Gte:
                Take();
                return ParseComparisonValue(name, LabelFilterOp.GreaterThanOrEqual);
            case TokenKind.Lt:
                Take();
                return ParseComparisonValue(name, LabelFilterOp.LessThan);
            case TokenKind.Lte:
                Take();
                return ParseComparisonValue(name, LabelFilterOp.LessThanOrEqual);
            default:
                throw Unexpected();
        }
    }

    private LabelFilterExpr ParseComparisonValue(string name, LabelFilterOp op)
    {
        var t = Cur;
        switch (t.Kind)
        {
            case TokenKind.Duration:
                Take();
                _ = GoDuration.TryParseLexer(t.Text, out var d);
                return new DurationLabelFilter(name, op, d);
            case TokenKind.Bytes:
                Take();
                _ = GoBytes.TryParse(t.Text, out var b);
                return new BytesLabelFilter(name, op, b);
            case TokenKind.Number:
                Take();
                return new NumericLabelFilter(name, op, ParseNumber(t.Text));
            case TokenKind.Add or TokenKind.Sub:
                {
                    Take();
                    var v = ParseNumber(Expect(TokenKind.Number).Text);
                    return new NumericLabelFilter(name, op, t.Kind == TokenKind.Sub ? -v : v);
                }
            default:
                throw Unexpected();
        }
    }
}
