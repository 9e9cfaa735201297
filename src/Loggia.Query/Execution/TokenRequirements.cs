using System.Text;
using Loggia.Core.Tokens;
using Loggia.Query.LogQL.Syntax;
using Loggia.Storage.Blocks;
using SyntaxLineFilter = Loggia.Query.LogQL.Syntax.LineFilter;

namespace Loggia.Query.Execution;

/// <summary>
/// What every entry a pipeline keeps is certain to contain, for token bloom pruning: line terms (docs/formats/tokens.md)
/// and structured-metadata pairs. Derived only where sound — from the stages before the first one that changes the
/// line or adds labels (parsers, formatters, decolorize, drop/keep): a <c>|= "literal"</c>, or a <c>|~</c> regex that is
/// one literal (also with <c>(?i)</c>), requires the literal's interior terms; a label filter <c>name="value"</c>
/// (alone or under <c>and</c>) there requires the metadata pair unless the stream has a label of that name.
/// <c>or</c>, negations, patterns and <c>ip()</c> require nothing.
/// </summary>
public sealed class TokenRequirements
{
    private TokenRequirements(ulong[] lineTokens, KeyValuePair<string, string>[] metadataPairs)
    {
        LineTokens = lineTokens;
        MetadataPairs = metadataPairs;
    }

    /// <summary>No requirement.</summary>
    public static TokenRequirements None { get; } = new([], []);

    /// <summary>Term hashes every kept line contains.</summary>
    public IReadOnlyList<ulong> LineTokens { get; }

    /// <summary>Pairs every kept entry has, as structured metadata or as a stream label.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> MetadataPairs { get; }

    /// <summary>Whether nothing is required.</summary>
    public bool IsEmpty => LineTokens.Count == 0 && MetadataPairs.Count == 0;

    /// <summary>Derives the requirements of a pipeline's stages (in order); <paramref name="lineFiltersOnly"/> stops at the first non-line-filter.</summary>
    public static TokenRequirements Derive(IReadOnlyList<PipelineStage> stages, bool lineFiltersOnly = false)
    {
        ArgumentNullException.ThrowIfNull(stages);
        var lines = new HashSet<ulong>();
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var stage in stages)
        {
            if (stage is SyntaxLineFilter filter)
            {
                AddLineFilter(filter, lines);
            }
            else if (stage is LabelFilterStage labelFilter && !lineFiltersOnly)
            {
                AddLabelFilter(labelFilter.Filter, pairs);
            }
            else
            {
                // Later stages see a changed line or parsed labels: nothing after here is about the stored entry.
                break;
            }
        }

        return lines.Count == 0 && pairs.Count == 0 ? None : new TokenRequirements([.. lines], [.. pairs]);
    }

    /// <summary>
    /// Hashes of the terms a line is certain to contain when it contains <paramref name="literal"/> as a substring
    /// (case-insensitively too: terms are lower-cased): the runs of letters and digits with a separator on both
    /// sides inside the literal. An edge run may be part of a longer run in the line (<c>"xn-4f3"</c> occurs in
    /// <c>"txn-4f3a9"</c>), so it is not required.
    /// </summary>
    public static void AddInteriorTerms(string literal, ICollection<ulong> into)
    {
        ArgumentNullException.ThrowIfNull(literal);
        ArgumentNullException.ThrowIfNull(into);
        var utf8 = Encoding.UTF8.GetBytes(literal);
        Span<byte> scratch = stackalloc byte[Terms.MaxTermBytes];
        var terms = Terms.Enumerate(utf8, scratch);
        while (terms.MoveNext())
        {
            if (terms.IsInterior)
            {
                into.Add(terms.Current);
            }
        }
    }

    /// <summary>The storage pushdown for a block whose chosen streams have <paramref name="hasStreamLabel"/> label names.</summary>
    public RequiredTokens ForBlock(Func<string, bool> hasStreamLabel)
    {
        ArgumentNullException.ThrowIfNull(hasStreamLabel);
        if (IsEmpty)
        {
            return RequiredTokens.None;
        }

        var metadata = new List<ulong>(MetadataPairs.Count);
        foreach (var (name, value) in MetadataPairs)
        {
            // A stream label of that name satisfies the filter without any metadata, so the pair is not required.
            if (!hasStreamLabel(name))
            {
                metadata.Add(Terms.HashPair(name, value));
            }
        }

        return new RequiredTokens([.. LineTokens], [.. metadata]);
    }

    private static void AddLineFilter(SyntaxLineFilter filter, HashSet<ulong> lines)
    {
        // Several values are "or": any one of them may match, so none is required.
        if (filter.Values.Count != 1 || filter.Values[0].IsIp)
        {
            return;
        }

        var value = filter.Values[0].Value;
        switch (filter.Op)
        {
            case LineFilterOp.Contains:
                AddInteriorTerms(value, lines);
                break;
            case LineFilterOp.Regex:
                // Only the regexes the engine itself runs as substring searches (LinePipeline.CompileRegex).
                var body = RegexLiterals.StripDotStars(RegexLiterals.StripCaseInsensitiveFlag(value, out _));
                if (body.Length > 0 && RegexLiterals.TryParseAlternation(body, out var literals) && literals.Length == 1)
                {
                    AddInteriorTerms(literals[0], lines);
                }

                break;
            default:
                break;
        }
    }

    private static void AddLabelFilter(LabelFilterExpr filter, List<KeyValuePair<string, string>> pairs)
    {
        switch (filter)
        {
            case BinaryLabelFilter { IsAnd: true } and:
                AddLabelFilter(and.Left, pairs);
                AddLabelFilter(and.Right, pairs);
                break;
            case StringLabelFilter { Matcher: { Op: MatchOperator.Equal } matcher }
                when matcher.Value.Length > 0 && !matcher.Name.StartsWith("__", StringComparison.Ordinal):
                // An empty value also matches an absent label; __error__ and friends are not stored.
                pairs.Add(new KeyValuePair<string, string>(matcher.Name, matcher.Value));
                break;
            default:
                break;
        }
    }
}
