namespace Loggia.Query.Execution.Templates;

/// <summary>Go's <c>text/template</c> truth: false is the zero value of the type or an empty collection.</summary>
internal static class GoTruth
{
    public static bool IsTrue(in GoValue value, ITemplateContext? labels) => value.Kind switch
    {
        GoKind.Nil => false,
        GoKind.Bool => value.AsBool,
        GoKind.Int or GoKind.Int64 => value.AsInt != 0,
        GoKind.Float64 => value.AsFloat != 0,
        GoKind.String => value.AsString.Length > 0,
        GoKind.Map => value.AsMap.Count > 0,
        GoKind.Slice => value.AsSlice.Count > 0,
        GoKind.Labels => LabelCount(labels) > 0,
        _ => true, // structs such as time.Time are always true
    };

    public static int LabelCount(ITemplateContext? labels)
    {
        if (labels is null)
        {
            return 0;
        }
        var list = new List<KeyValuePair<string, string>>();
        labels.CopyLabelsTo(list);
        return list.Count;
    }
}
