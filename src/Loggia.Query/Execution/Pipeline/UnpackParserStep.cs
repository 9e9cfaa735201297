namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// <c>| unpack</c>: reads a line written by Promtail's <c>pack</c> stage. When the object has an <c>_entry</c>
/// string, it becomes the line and every other string member becomes a parsed label; without <c>_entry</c>
/// nothing changes. A line that is not a JSON object sets <c>__error__="JSONParserErr"</c>.
/// </summary>
internal sealed class UnpackParserStep(LabelValueInterner values) : PipelineStep
{
    private const string NotAnObject = "expecting json object(6), but it is not";

    private readonly Utf8Cache<UnpackName> _names = new();
    private readonly List<(UnpackName Name, string Value)> _pending = [];
    private byte[] _entry = new byte[256];
    private byte[] _scratch = new byte[256];

    public override bool Process(ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        if (line.IsEmpty)
        {
            return true;
        }
        if (line[0] != '{')
        {
            SetError(labels, NotAnObject);
            return true;
        }
        _pending.Clear();
        var packed = false;
        var entryLength = 0;
        var reader = new JsonObjectReader(line);
        while (reader.MoveNext())
        {
            if (reader.Kind != JsonValueKind.String)
            {
                continue;
            }
            var key = reader.Key;
            if (reader.KeyEscaped)
            {
                Utf8KeySanitizer.EnsureCapacity(ref _scratch, key.Length);
                var k = JsonScanner.Unescape(key, _scratch);
                if (k < 0)
                {
                    reader.Stop(JsonScanner.MalformedStringEscape);
                    break;
                }
                key = _scratch.AsSpan(0, k);
            }
            if (key.SequenceEqual("_entry"u8))
            {
                Utf8KeySanitizer.EnsureCapacity(ref _entry, reader.Value.Length);
                entryLength = JsonScanner.Unescape(reader.Value, _entry);
                if (entryLength < 0)
                {
                    reader.Stop(JsonScanner.MalformedStringEscape);
                    break;
                }
                packed = true;
                continue;
            }
            if (!_names.TryGet(key, out var name))
            {
                var raw = System.Text.Encoding.UTF8.GetString(key);
                name = new UnpackName(raw, LabelNames.Sanitize(key), LabelNames.Sanitize(System.Text.Encoding.UTF8.GetBytes(raw + LabelNames.DuplicateSuffix)));
                _names.Add(key, name);
            }
            _pending.Add((name, ReadString(reader.Value)));
        }
        if (reader.Error is { } error)
        {
            SetError(labels, error);
            return true;
        }
        if (packed)
        {
            foreach (var (name, value) in _pending)
            {
                // Loki checks the raw key against the stream labels, then sanitises.
                labels.Set(LabelCategory.Parsed, labels.BaseHas(name.Raw) ? name.Extracted : name.Sanitized, value);
            }
            line = _entry.AsSpan(0, entryLength);
        }
        return true;
    }

    private string ReadString(ReadOnlySpan<byte> value)
    {
        if (value.IndexOf((byte)'\\') < 0)
        {
            return values.GetReplacingInvalid(value);
        }
        Utf8KeySanitizer.EnsureCapacity(ref _scratch, value.Length);
        var n = JsonScanner.Unescape(value, _scratch);
        return n < 0 ? "" : values.GetReplacingInvalid(_scratch.AsSpan(0, n));
    }

    private static void SetError(LabelsBuilder labels, string details)
    {
        labels.Error = LabelNames.JsonParserError;
        labels.ErrorDetails = details;
    }

    private sealed record UnpackName(string Raw, string Sanitized, string Extracted);
}
