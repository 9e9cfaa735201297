using System.Text.RegularExpressions;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Templates;

/// <summary>
/// The compiled form of the pattern a regex function was last called with at one call site: a literal
/// pattern is compiled once at parse time, a computed one is recompiled only when it changes.
/// RE2 syntax is translated as <see cref="RegexValidation"/> does; matching is non-backtracking with a timeout.
/// </summary>
internal sealed class RegexSite
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private RegexSite(string pattern, Regex? regex, string? error)
    {
        Pattern = pattern;
        Regex = regex;
        Error = error;
    }

    public string Pattern { get; }

    public Regex? Regex { get; }

    /// <summary>Go's <c>error parsing regexp: …</c> when the pattern is invalid.</summary>
    public string? Error { get; }

    public static RegexSite Compile(string pattern)
    {
        var error = RegexValidation.Validate(pattern, out _);
        if (error is not null)
        {
            return new RegexSite(pattern, null, error);
        }
        try
        {
            var regex = new Regex(RegexValidation.ToDotNet(pattern), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, MatchTimeout);
            return new RegexSite(pattern, regex, null);
        }
        catch (NotSupportedException)
        {
            // Constructs the non-backtracking engine lacks; RE2 has none of them, but keep working.
            return new RegexSite(pattern, new Regex(RegexValidation.ToDotNet(pattern), RegexOptions.CultureInvariant, MatchTimeout), null);
        }
        catch (ArgumentException ex)
        {
            return new RegexSite(pattern, null, "error parsing regexp: " + ex.Message);
        }
    }

    /// <summary>The regex for <paramref name="pattern"/>, reusing this call site's when it is the same pattern.</summary>
    public static Regex Get(CallContext context, string pattern)
    {
        var site = context.Site;
        if (site is null || !string.Equals(site.Pattern, pattern, StringComparison.Ordinal))
        {
            site = Compile(pattern);
            context.Site = site;
        }
        if (site.Regex is null)
        {
            throw new TemplateFunctionException(site.Error!);
        }
        return site.Regex;
    }
}
