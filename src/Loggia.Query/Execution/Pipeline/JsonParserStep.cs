using System.Text;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// <c>| json</c> without parameters: every string, number and boolean member becomes a parsed label; nested
/// objects are flattened with <c>_</c> between the sanitised keys; arrays and nulls are skipped; a later duplicate
/// key overrides an earlier one. Invalid JSON sets <c>__error__="JSONParserErr"</c> with jsonparser's message
/// (labels found before the error stay) and never drops the entry.
/// </summary>
internal sealed class JsonParserStep : PipelineStep
{
    private static readonly Func<ReadOnlySpan<byte>, string> SanitizeTopLevel = static key => LabelNames.Sanitize(key);
    private static readonly Func<ReadOnlySpan<byte>, string> AlreadySanitized = static key => Encoding.ASCII.GetString(key);

    private readonly ParsedNameCache _topLevel = new();
    private readonly ParsedNameCache _nested = new();
    private readonly LabelValueInterner _values;
    private byte[] _prefix = new byte[128];
    private byte[] _valueScratch = new byte[256];
    private byte[] _keyScratch = new byte[64];

    public JsonParserStep(LabelValueInterner values) => _values = values;

    public override bool Process(ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        var error = ParseObject(line, 0, labels);
        if (error is not null)
        {
            labels.Error = LabelNames.JsonParserError;
            labels.ErrorDetails = error;
        }
        return true;
    }

    private string? ParseObject(ReadOnlySpan<byte> json, int prefixLength, LabelsBuilder labels)
    {
        var reader = new JsonObjectReader(json);
        while (reader.MoveNext())
        {
            var key = reader.Key;
            if (reader.KeyEscaped)
            {
                Utf8KeySanitizer.EnsureCapacity(ref _keyScratch, key.Length);
                var n = JsonScanner.Unescape(key, _keyScratch);
                if (n < 0)
                {
                    return JsonScanner.MalformedStringEscape;
                }
                key = _keyScratch.AsSpan(0, n);
            }
            switch (reader.Kind)
            {
                case JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Boolean:
                    SetLeaf(key, reader.Value, reader.Kind, prefixLength, labels);
                    break;
                case JsonValueKind.Object:
                    {
                        var nested = prefixLength;
                        if (nested != 0)
                        {
                            Utf8KeySanitizer.EnsureCapacity(ref _prefix, nested + 1);
                            _prefix[nested++] = (byte)'_';
                        }
                        nested = Utf8KeySanitizer.Append(ref _prefix, nested, key);
                        // The key buffer is reused by the nested object: the prefix already holds this key.
                        var error = ParseObject(reader.Value, nested, labels);
                        if (error is not null)
                        {
                            return error;
                        }
                        break;
                    }
            }
        }
        return reader.Error;
    }

    private void SetLeaf(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, JsonValueKind kind, int prefixLength, LabelsBuilder labels)
    {
        ParsedName? name;
        if (prefixLength == 0)
        {
            name = _topLevel.Get(key, SanitizeTopLevel);
        }
        else
        {
            Utf8KeySanitizer.EnsureCapacity(ref _prefix, prefixLength + 1);
            _prefix[prefixLength] = (byte)'_';
            var length = Utf8KeySanitizer.Append(ref _prefix, prefixLength + 1, key);
            name = _nested.Get(_prefix.AsSpan(0, length), AlreadySanitized);
        }
        if (name is null)
        {
            return;
        }
        labels.Set(LabelCategory.Parsed, name.For(labels), ReadValue(value, kind));
    }

    private string ReadValue(ReadOnlySpan<byte> value, JsonValueKind kind)
    {
        switch (kind)
        {
            case JsonValueKind.Boolean:
                return value[0] == 't' ? "true" : "false";
            case JsonValueKind.Number:
                return _values.Get(value);
            default:
                if (value.IndexOf((byte)'\\') >= 0)
                {
                    Utf8KeySanitizer.EnsureCapacity(ref _valueScratch, value.Length);
                    var n = JsonScanner.Unescape(value, _valueScratch);
                    // jsonparser's Unescape failing makes Loki's value empty.
                    return n < 0 ? "" : _values.GetReplacingInvalid(_valueScratch.AsSpan(0, n));
                }
                return _values.GetReplacingInvalid(value);
        }
    }
}
