using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// <c>| keep a, b="v"</c>: removes every label that is not named (or whose value the matcher rejects); the error
/// labels are always kept.
/// </summary>
internal sealed class KeepLabelsStep(SyntaxList<NamedLabelMatcher> items) : PipelineStep
{
    private readonly (string Name, LabelValueMatcher? Matcher)[] _items = DropLabelsStep.Compile(items);

    public override bool Process(ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        if (_items.Length == 0)
        {
            return true;
        }
        // CollectAll fills a list the builder does not touch while deleting, so iterating it here is safe.
        foreach (var label in labels.CollectAll().Items)
        {
            if (label.Name is LabelNames.Error or LabelNames.ErrorDetails or LabelNames.PreserveError)
            {
                continue;
            }
            var keep = false;
            foreach (var (name, matcher) in _items)
            {
                if (name == label.Name && (matcher is null || matcher.Matches(label.Value)))
                {
                    keep = true;
                    break;
                }
            }
            if (!keep)
            {
                labels.Delete(label.Name);
            }
        }
        return true;
    }
}
