using System.Text.RegularExpressions;
using Loggia.Query.LogQL.Syntax;
using SyntaxLineFilter = Loggia.Query.LogQL.Syntax.LineFilter;

namespace Loggia.Query.Execution;

/// <summary>
/// The executable form of a run of line filters (<c>|=</c>, <c>!=</c>, <c>|~</c>, <c>!~</c>, <c>|&gt;</c>,
/// <c>!&gt;</c>, <c>ip()</c>): one predicate over the line's UTF-8 bytes that runs in the scan loop. The full
/// pipeline (<see cref="Pipeline.LogPipeline"/>) compiles its line filters with it; the leading ones run on the raw
/// bytes during storage scans.
/// </summary>
/// <remarks>Thread-safe once compiled (scratch buffers are per thread): one query's blocks are filtered in parallel.</remarks>
public sealed class LinePipeline
{
    private readonly LinePredicate _predicate;

    private LinePipeline(LinePredicate predicate) => _predicate = predicate;

    /// <summary>
    /// Tokens every entry the query keeps contains (for bloom pruning in block scans). Set by the compile entry
    /// points from the whole pipeline; filters compiled for a later stage carry none.
    /// </summary>
    public TokenRequirements Tokens { get; private init; } = TokenRequirements.None;

    /// <summary>Whether the pipeline keeps every line (no filtering work at all).</summary>
    public bool IsNoop => ReferenceEquals(_predicate, LinePredicate.True);

    /// <summary>
    /// Compiles the leading line filters of <paramref name="query"/>: those before the first stage that changes the
    /// line or the labels, which depend on the raw line only (the same as <c>LogPipeline.Compile(query).LineFilters</c>).
    /// </summary>
    public static LinePipeline Compile(LogSelectorExpr query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query is not PipelineExpr pipeline)
        {
            return new LinePipeline(LinePredicate.True);
        }
        var leading = new List<SyntaxLineFilter>();
        foreach (var stage in pipeline.Stages)
        {
            if (stage is not SyntaxLineFilter filter)
            {
                break;
            }
            leading.Add(filter);
        }
        // Only the line filters: callers of this entry point may not apply the label filters that follow them.
        return CompileFilters(leading).WithTokens(TokenRequirements.Derive(pipeline.Stages, lineFiltersOnly: true));
    }

    /// <summary>This pipeline carrying <paramref name="tokens"/>.</summary>
    internal LinePipeline WithTokens(TokenRequirements tokens) => new(_predicate) { Tokens = tokens };

    /// <summary>Compiles a run of line filters into one predicate (all must pass).</summary>
    internal static LinePipeline CompileFilters(IReadOnlyList<SyntaxLineFilter> filters)
    {
        var predicates = new List<LinePredicate>(filters.Count);
        foreach (var filter in filters)
        {
            predicates.Add(CompileFilter(filter));
        }
        return new LinePipeline(LinePredicate.And(predicates));
    }

    /// <summary>Whether <paramref name="line"/> passes every line filter.</summary>
    public bool Matches(ReadOnlySpan<byte> line) => _predicate.Matches(line);

    private static LinePredicate CompileFilter(SyntaxLineFilter filter)
    {
        // Several values mean "or"; the parser already split negative "or" filters into separate filters.
        var anyOf = new List<LinePredicate>(filter.Values.Count);
        var positive = filter.Op is LineFilterOp.Contains or LineFilterOp.Regex or LineFilterOp.Pattern;
        List<string>? literals = null;
        foreach (var value in filter.Values)
        {
            if (value.IsIp)
            {
                // ip() is only valid with |= and != (the parser guarantees it).
                anyOf.Add(new IpPredicate(IpAddressMatcher.Parse(value.Value)));
                continue;
            }
            switch (filter.Op)
            {
                case LineFilterOp.Contains or LineFilterOp.NotContains:
                    (literals ??= []).Add(value.Value);
                    break;
                case LineFilterOp.Regex or LineFilterOp.NotRegex:
                    anyOf.Add(CompileRegex(value.Value));
                    break;
                default:
                    anyOf.Add(PatternPredicate.Create(value.Value));
                    break;
            }
        }
        if (literals is not null)
        {
            // All plain needles of one filter share one multi-needle search.
            anyOf.Insert(0, ContainsPredicate.Create(literals));
        }
        var any = LinePredicate.Or(anyOf);
        return positive ? any : LinePredicate.Not(any);
    }

    /// <summary>
    /// Loki simplifies literal-like regexes into substring filters; the results are the same as running the
    /// regex (with one Loki quirk kept: <c>.+</c> accepts any non-empty line, even a lone newline).
    /// </summary>
    internal static LinePredicate CompileRegex(string re)
    {
        var body = RegexLiterals.StripCaseInsensitiveFlag(re, out var caseInsensitive);
        body = RegexLiterals.StripDotStars(body);
        if (body.Length == 0)
        {
            return LinePredicate.True;
        }
        if (body == ".+" && !caseInsensitive)
        {
            return LinePredicate.NonEmpty;
        }
        if (RegexLiterals.TryParseAlternation(body, out var literals))
        {
            if (!caseInsensitive)
            {
                return ContainsPredicate.Create(literals);
            }
            var anyOf = new List<LinePredicate>(literals.Length);
            foreach (var literal in literals)
            {
                anyOf.Add(CaseInsensitiveContainsPredicate.Create(literal));
            }
            return LinePredicate.Or(anyOf);
        }
        Regex regex;
        try
        {
            regex = new Regex(
                RegexValidation.ToDotNet(re),
                RegexOptions.NonBacktracking | RegexOptions.CultureInvariant,
                LabelValueMatcher.RegexTimeout);
        }
        catch (ArgumentException ex)
        {
            throw LogQLParseException.Plain("error parsing regexp: " + ex.Message);
        }
        return new RegexPredicate(regex);
    }
}
