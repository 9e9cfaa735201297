using Loggia.Query.Execution.Templates;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// What a <c>line_format</c>/<c>label_format</c> template reads for one entry: Loki's label map (every label of the
/// builder, all categories, with <c>__error__</c>/<c>__error_details__</c> when set), <c>__line__</c> and
/// <c>__timestamp__</c>. One per step, reused for every entry. The labels are a snapshot taken by
/// <see cref="CaptureLabels"/> (<c>label_format</c> needs Loki's map as it was before its items ran) or, after
/// <see cref="BindLabels"/>, taken on first use (a template that reads no label costs no copy).
/// </summary>
internal sealed class EntryTemplateContext(bool usesLine) : ITemplateContext
{
    private readonly LabelPairList _labels = new();
    private LabelsBuilder? _pending;
    private byte[] _line = [];
    private int _lineLength;

    /// <summary>Whether a template can call <c>__line__</c>: only then is the line copied for it.</summary>
    public static bool UsesLine(GoTemplate template) => template.Text.Contains("__line__", StringComparison.Ordinal);

    public ReadOnlySpan<byte> Line => _line.AsSpan(0, _lineLength);

    public long TimestampNanos { get; private set; }

    /// <summary>The number of labels in the snapshot.</summary>
    public int LabelCount
    {
        get
        {
            EnsureLabels();
            return _labels.Count;
        }
    }

    /// <summary>Starts an entry: its line (copied only when the templates call <c>__line__</c>) and timestamp.</summary>
    public void SetEntry(ReadOnlySpan<byte> line, long timestampNanos)
    {
        TimestampNanos = timestampNanos;
        if (!usesLine)
        {
            return;
        }
        Utf8KeySanitizer.EnsureCapacity(ref _line, line.Length);
        line.CopyTo(_line);
        _lineLength = line.Length;
    }

    /// <summary>Snapshots the labels of <paramref name="labels"/> now.</summary>
    public void CaptureLabels(LabelsBuilder labels)
    {
        _pending = null;
        _labels.Clear();
        foreach (var l in labels.CollectAll().Items)
        {
            _labels.Add(l);
        }
    }

    /// <summary>Snapshots the labels of <paramref name="labels"/> when the template first reads one (they must not change meanwhile).</summary>
    public void BindLabels(LabelsBuilder labels) => _pending = labels;

    public bool TryGetValue(string name, out string value)
    {
        EnsureLabels();
        var i = _labels.IndexOf(name);
        if (i < 0)
        {
            value = "";
            return false;
        }
        value = _labels[i].Value;
        return true;
    }

    public void CopyLabelsTo(List<KeyValuePair<string, string>> destination)
    {
        EnsureLabels();
        foreach (var l in _labels.Items)
        {
            destination.Add(new KeyValuePair<string, string>(l.Name, l.Value));
        }
    }

    private void EnsureLabels()
    {
        if (_pending is { } labels)
        {
            CaptureLabels(labels);
        }
    }
}
