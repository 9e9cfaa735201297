using System.Text;
using System.Text.RegularExpressions;
using Loggia.Core.Model;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Metrics;

/// <summary>
/// <c>label_replace(v, dst, replacement, src, regex)</c>: when the fully anchored regex matches the value of
/// <c>src</c>, <c>dst</c> becomes the replacement with <c>$1</c>/<c>${name}</c> expanded as Go's
/// <c>Regexp.Expand</c> does (an empty result removes <c>dst</c>); otherwise the series is unchanged.
/// </summary>
internal static class LabelReplaceEvaluator
{
    public static List<StepSeries> Apply(LabelReplaceExpr expr, List<StepSeries> input)
    {
        var regex = new Regex("^(?:" + expr.Regex + ")$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, LabelValueMatcher.RegexTimeout);
        foreach (var series in input)
        {
            var match = regex.Match(series.Labels.Get(expr.Source) ?? "");
            if (!match.Success)
            {
                continue;
            }
            var value = Expand(expr.Replacement, match, regex);
            var pairs = new List<LabelPair>(series.Labels.Count + 1);
            foreach (var p in series.Labels.Pairs)
            {
                if (p.Name != expr.Destination)
                {
                    pairs.Add(p);
                }
            }
            if (value.Length > 0)
            {
                pairs.Add(new LabelPair(expr.Destination, value));
            }
            series.Labels = Labels.Create(pairs.ToArray());
        }
        return input;
    }

    /// <summary>Go's template expansion: <c>$$</c> is a dollar, <c>$name</c> takes the longest word, unknown groups are empty.</summary>
    internal static string Expand(string template, Match match, Regex regex)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c != '$' || i + 1 >= template.Length)
            {
                sb.Append(c);
                continue;
            }
            if (template[i + 1] == '$')
            {
                sb.Append('$');
                i++;
                continue;
            }
            string name;
            var braced = template[i + 1] == '{';
            var start = braced ? i + 2 : i + 1;
            var end = start;
            while (end < template.Length && (char.IsAsciiLetterOrDigit(template[end]) || template[end] == '_'))
            {
                end++;
            }
            if (end == start || (braced && (end >= template.Length || template[end] != '}')))
            {
                // Not a valid reference: Go writes the '$' as is.
                sb.Append(c);
                continue;
            }
            name = template[start..end];
            i = braced ? end : end - 1;
            var group = int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
                ? (number < regex.GetGroupNumbers().Length ? match.Groups[number] : null)
                : match.Groups[name];
            if (group is { Success: true })
            {
                sb.Append(group.Value);
            }
        }
        return sb.ToString();
    }
}
