using System.Text;
using System.Text.RegularExpressions;

namespace Loggia.Query.Execution.Templates;

/// <summary>
/// Go's <c>Regexp.Expand</c> for <c>ReplaceAllString</c>: <c>$name</c> takes the longest run of letters,
/// digits and underscores (so <c>$1x</c> is group "1x", empty), <c>${name}</c> delimits it, <c>$$</c> is a
/// dollar, and unknown groups expand to nothing. .NET's own substitution syntax differs, so it is not used.
/// </summary>
internal readonly struct GoRegexExpander(string template)
{
    public string Evaluate(Match match)
    {
        var sb = new StringBuilder();
        var t = template;
        var i = 0;
        while (i < t.Length)
        {
            var dollar = t.IndexOf('$', i);
            if (dollar < 0)
            {
                sb.Append(t, i, t.Length - i);
                break;
            }
            sb.Append(t, i, dollar - i);
            i = dollar + 1;
            if (i < t.Length && t[i] == '$')
            {
                sb.Append('$');
                i++;
                continue;
            }
            string? name = null;
            if (i < t.Length && t[i] == '{')
            {
                var close = t.IndexOf('}', i + 1);
                if (close > i + 1 && IsName(t.AsSpan(i + 1, close - i - 1)))
                {
                    name = t[(i + 1)..close];
                    i = close + 1;
                }
            }
            else
            {
                var end = i;
                while (end < t.Length && (char.IsAsciiLetterOrDigit(t[end]) || t[end] == '_'))
                {
                    end++;
                }
                if (end > i)
                {
                    name = t[i..end];
                    i = end;
                }
            }
            if (name is null)
            {
                sb.Append('$'); // malformed: Go copies the dollar literally
                continue;
            }
            var group = int.TryParse(name, out var number) ? (number < match.Groups.Count ? match.Groups[number] : null) : match.Groups[name];
            if (group is { Success: true })
            {
                sb.Append(group.ValueSpan);
            }
        }
        return sb.ToString();
    }

    private static bool IsName(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }
        return true;
    }
}
