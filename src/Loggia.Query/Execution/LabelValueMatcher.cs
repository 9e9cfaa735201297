using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution;

/// <summary>
/// A predicate over one label value. Regexes are matched fully anchored (<c>^(?s:re)$</c>) as Prometheus does;
/// regexes that are literals or alternations of literals become string/set comparisons.
/// </summary>
internal abstract class LabelValueMatcher
{
    /// <summary>Timeout for user regexes; NonBacktracking makes it a safety net rather than a common path.</summary>
    internal static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(5);

    public abstract bool Matches(string value);

    public static LabelValueMatcher Compile(MatchOperator op, string value) => op switch
    {
        MatchOperator.Equal => new EqualMatcher(value, negate: false),
        MatchOperator.NotEqual => new EqualMatcher(value, negate: true),
        MatchOperator.Regex => CompileRegex(value, negate: false),
        _ => CompileRegex(value, negate: true),
    };

    private static LabelValueMatcher CompileRegex(string re, bool negate)
    {
        if (re is ".*")
        {
            return new ConstantMatcher(!negate);
        }
        if (re is ".+")
        {
            // Anchoring wraps the regex in (?s:…), so '.' matches newlines too: ".+" is "non-empty".
            return new NonEmptyMatcher(negate);
        }
        if (RegexLiterals.TryParseAlternation(re, out var literals))
        {
            return literals.Length == 1
                ? new EqualMatcher(literals[0], negate)
                : new SetMatcher(literals, negate);
        }
        Regex regex;
        try
        {
            regex = new Regex(
                "^(?s:" + RegexValidation.ToDotNet(re) + ")$",
                RegexOptions.NonBacktracking | RegexOptions.CultureInvariant,
                RegexTimeout);
        }
        catch (ArgumentException ex)
        {
            throw LogQLParseException.Plain("error parsing regexp: " + ex.Message);
        }
        return new RegexMatcher(regex, negate);
    }

    private sealed class ConstantMatcher(bool result) : LabelValueMatcher
    {
        public override bool Matches(string value) => result;
    }

    private sealed class EqualMatcher(string expected, bool negate) : LabelValueMatcher
    {
        public override bool Matches(string value) => string.Equals(value, expected, StringComparison.Ordinal) != negate;
    }

    private sealed class SetMatcher(string[] values, bool negate) : LabelValueMatcher
    {
        private readonly FrozenSet<string> _set = values.ToFrozenSet(StringComparer.Ordinal);

        public override bool Matches(string value) => _set.Contains(value) != negate;
    }

    private sealed class NonEmptyMatcher(bool negate) : LabelValueMatcher
    {
        public override bool Matches(string value) => (value.Length > 0) != negate;
    }

    private sealed class RegexMatcher(Regex regex, bool negate) : LabelValueMatcher
    {
        public override bool Matches(string value) => regex.IsMatch(value) != negate;
    }
}
