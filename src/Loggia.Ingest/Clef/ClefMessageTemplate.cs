using System.Text;

namespace Loggia.Ingest.Clef;

/// <summary>
/// Renders a Serilog message template (<c>@mt</c>) with the event's properties when the event carries no rendered
/// message (<c>@m</c>), as Seq displays it: <c>{Name}</c>, <c>{@Name}</c>, <c>{$Name}</c>, with alignment and format
/// ignored; strings without quotes, other values as their JSON; <c>{{</c>/<c>}}</c> are literal braces; a hole whose
/// property is missing stays as written.
/// </summary>
internal static class ClefMessageTemplate
{
    public static string Render(string template, IReadOnlyList<ClefProperty> properties)
    {
        var sb = new StringBuilder(template.Length + 32);
        var i = 0;
        while (i < template.Length)
        {
            var c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                sb.Append('{');
                i += 2;
                continue;
            }
            if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                sb.Append('}');
                i += 2;
                continue;
            }
            if (c != '{')
            {
                sb.Append(c);
                i++;
                continue;
            }
            var close = template.IndexOf('}', i + 1);
            if (close < 0)
            {
                sb.Append(template, i, template.Length - i);
                break;
            }
            var hole = template.AsSpan(i + 1, close - i - 1);
            if (hole.Length > 0 && hole[0] is '@' or '$')
            {
                hole = hole[1..];
            }
            var end = hole.IndexOfAny(',', ':');
            var name = end < 0 ? hole : hole[..end];
            if (Find(properties, name) is { } property)
            {
                sb.Append(property.Value);
            }
            else
            {
                sb.Append(template, i, close - i + 1);
            }
            i = close + 1;
        }
        return sb.ToString();
    }

    private static ClefProperty? Find(IReadOnlyList<ClefProperty> properties, ReadOnlySpan<char> name)
    {
        foreach (var p in properties)
        {
            if (name.SequenceEqual(p.Name))
            {
                return p;
            }
        }
        return null;
    }
}

/// <summary>One event property: its name as sent and its value as text (strings unquoted, other values as JSON).</summary>
internal readonly record struct ClefProperty(string Name, string Value);
