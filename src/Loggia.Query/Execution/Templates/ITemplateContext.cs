namespace Loggia.Query.Execution.Templates;

/// <summary>
/// What a <see cref="GoTemplate"/> reads while it runs for one log entry: the entry's labels (Loki
/// passes them to <c>text/template</c> as a <c>map[string]string</c>), its line and its timestamp.
/// </summary>
public interface ITemplateContext
{
    /// <summary>The value of label <paramref name="name"/> (<c>{{.name}}</c>); false when absent.</summary>
    bool TryGetValue(string name, out string value);

    /// <summary>The current log line (UTF-8), returned by <c>__line__</c>.</summary>
    ReadOnlySpan<byte> Line { get; }

    /// <summary>The entry's timestamp in Unix nanoseconds, returned by <c>__timestamp__</c>.</summary>
    long TimestampNanos { get; }

    /// <summary>
    /// Adds every label to <paramref name="destination"/>. Only templates that use the label map as a
    /// whole (<c>{{.}}</c>, <c>{{range $k, $v := .}}</c>, <c>{{len .}}</c>) call it; the default adds
    /// nothing, so such templates see an empty map.
    /// </summary>
    void CopyLabelsTo(List<KeyValuePair<string, string>> destination)
    {
    }
}
