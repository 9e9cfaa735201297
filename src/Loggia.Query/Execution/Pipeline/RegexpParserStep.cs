using System.Text;
using System.Text.RegularExpressions;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// <c>| regexp "re"</c>: each named group of the first match becomes a parsed label (a group that did not take
/// part gives an empty value); no match adds nothing and keeps the entry. Runs .NET's NonBacktracking engine on
/// the RE2 syntax translated by <see cref="RegexValidation"/>, with a timeout as a safety net.
/// </summary>
internal sealed class RegexpParserStep : PipelineStep
{
    private readonly Regex _regex;
    private readonly int[] _groups;
    private readonly ParsedName[] _names;

    public RegexpParserStep(string pattern)
    {
        try
        {
            _regex = new Regex(
                RegexValidation.ToDotNet(pattern),
                RegexOptions.NonBacktracking | RegexOptions.CultureInvariant,
                LabelValueMatcher.RegexTimeout);
        }
        catch (ArgumentException ex)
        {
            throw LogQLParseException.Plain("error parsing regexp: " + ex.Message);
        }
        var groups = new List<int>();
        var names = new List<ParsedName>();
        foreach (var number in _regex.GetGroupNumbers())
        {
            var name = _regex.GroupNameFromNumber(number);
            if (number == 0 || int.TryParse(name, out _))
            {
                continue; // unnamed group
            }
            groups.Add(number);
            names.Add(new ParsedName(name));
        }
        if (groups.Count == 0)
        {
            throw LogQLParseException.Plain("at least one named capture must be supplied");
        }
        _groups = [.. groups];
        _names = [.. names];
    }

    public override bool Process(ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        Match match;
        try
        {
            match = _regex.Match(Encoding.UTF8.GetString(line));
        }
        catch (RegexMatchTimeoutException)
        {
            return true; // treated as no match rather than failing the query
        }
        if (!match.Success)
        {
            return true;
        }
        for (var i = 0; i < _groups.Length; i++)
        {
            var group = match.Groups[_groups[i]];
            labels.Set(LabelCategory.Parsed, _names[i].For(labels), group.Success ? group.Value : "");
        }
        return true;
    }
}
