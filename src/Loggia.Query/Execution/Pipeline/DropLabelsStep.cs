using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// <c>| drop a, b="v"</c>: removes labels by name, or when their value matches; <c>__error__</c> and
/// <c>__error_details__</c> can be dropped too (that is how <c>| drop __error__</c> keeps errored entries quiet).
/// </summary>
internal sealed class DropLabelsStep(SyntaxList<NamedLabelMatcher> items) : PipelineStep
{
    private readonly (string Name, LabelValueMatcher? Matcher)[] _items = Compile(items);

    internal static (string, LabelValueMatcher?)[] Compile(SyntaxList<NamedLabelMatcher> items)
    {
        var compiled = new (string, LabelValueMatcher?)[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var m = items[i].Matcher;
            compiled[i] = (m?.Name ?? items[i].Name, m is null ? null : LabelValueMatcher.Compile(m.Op, m.Value));
        }
        return compiled;
    }

    public override bool Process(ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        foreach (var (name, matcher) in _items)
        {
            if (name == LabelNames.Error)
            {
                if (matcher is null || matcher.Matches(labels.Error))
                {
                    labels.Error = "";
                }
            }
            else if (name == LabelNames.ErrorDetails)
            {
                if (matcher is null || matcher.Matches(labels.ErrorDetails))
                {
                    labels.ErrorDetails = "";
                }
            }
            else if (matcher is null)
            {
                if (labels.TryGet(name, out _))
                {
                    labels.Delete(name);
                }
            }
            else if (matcher.Matches(labels.GetOrEmpty(name)))
            {
                labels.Delete(name);
            }
        }
        return true;
    }
}
