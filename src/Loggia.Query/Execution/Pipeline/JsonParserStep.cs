using System.Text;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// <c>| json</c> without parameters: every string, number and boolean member becomes a parsed label; nested
/// objects are flattened with <c>_</c> between the sanitised keys; arrays and nulls are skipped; a later duplicate
/// key overrides an earlier one. Invalid JSON sets <c>__error__="JSONParserErr"</c> with jsonparser's message
/// (labels found before the error stay) and never drops the entry.
/// </summary>
/// <remarks>
/// Two paths give the same labels. The fast one reads well-formed JSON in one pass (nested objects parsed where
/// they are met) and gives up at the first thing it does not expect. Then the entry's labels are rewound and the
/// exact path reruns jsonparser's way — each nested object first skipped by bracket counting, then parsed — which
/// decides what malformed input yields: which labels stay and which error message.
/// </remarks>
internal sealed class JsonParserStep : PipelineStep
{
    private static readonly Func<ReadOnlySpan<byte>, string> SanitizeTopLevel = static key => LabelNames.Sanitize(key);
    private static readonly Func<ReadOnlySpan<byte>, string> AlreadySanitized = static key => Encoding.ASCII.GetString(key);

    private readonly ParsedNameCache _topLevel = new();
    private readonly ParsedNameCache _nested = new();
    private readonly KeyOrderPredictor _predicted = new();
    private readonly LabelsSnapshot _beforeParse = new();
    private byte[] _prefix = new byte[128];
    private byte[] _valueScratch = new byte[256];
    private byte[] _keyScratch = new byte[64];

    public override bool Process(ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        var start = JsonScanner.NextToken(line);
        if (start >= 0 && line[start] == '{')
        {
            labels.SaveTo(_beforeParse);
            _predicted.StartLine();
            if (ParseFast(line[start..], 0, labels) >= 0)
            {
                return true;
            }
            labels.RestoreFrom(_beforeParse);
        }
        _predicted.StartLine();
        var error = ParseExact(line, 0, labels);
        if (error is not null)
        {
            labels.Error = LabelNames.JsonParserError;
            labels.ErrorDetails = error;
        }
        return true;
    }

    /// <summary>
    /// <paramref name="json"/> starts with <c>{</c>: parses that object and returns the offset just past it, or -1
    /// for anything but plain well-formed JSON (the caller then rewinds and runs <see cref="ParseExact"/>).
    /// </summary>
    private int ParseFast(ReadOnlySpan<byte> json, int prefixLength, LabelsBuilder labels)
    {
        var i = SkipWhiteSpace(json, 1);
        if (i < json.Length && json[i] == '}')
        {
            return i + 1;
        }
        while (true)
        {
            if (i >= json.Length || json[i] != '"')
            {
                return -1;
            }
            i++;
            var keyEnd = JsonScanner.StringEnd(json[i..], out var keyEscaped);
            if (keyEnd < 0)
            {
                return -1;
            }
            var key = json.Slice(i, keyEnd - 1);
            i = SkipWhiteSpace(json, i + keyEnd);
            if (i >= json.Length || json[i] != ':')
            {
                return -1;
            }
            i = SkipWhiteSpace(json, i + 1);
            if (i >= json.Length)
            {
                return -1;
            }
            if (keyEscaped && !TryUnescapeKey(ref key))
            {
                return -1;
            }
            switch (json[i])
            {
                case (byte)'"':
                    {
                        var end = JsonScanner.StringEnd(json[(i + 1)..], out var escaped);
                        if (end < 0)
                        {
                            return -1;
                        }
                        SetLeaf(key, json.Slice(i + 1, end - 1), JsonValueKind.String, escaped, prefixLength, labels);
                        i += end + 1;
                        break;
                    }
                case (byte)'{':
                    {
                        var length = ParseFast(json[i..], EnterObject(key, prefixLength), labels);
                        if (length < 0)
                        {
                            return -1;
                        }
                        _predicted.Leave();
                        i += length;
                        break;
                    }
                case (byte)'[':
                    {
                        var length = JsonScanner.BlockEnd(json[i..], (byte)'[', (byte)']');
                        // jsonparser skips the enclosing object by counting braces, also those inside arrays: an
                        // array with braces in a nested object is left to the exact path.
                        if (length < 0 || (prefixLength != 0 && json.Slice(i, length).IndexOfAny((byte)'{', (byte)'}') >= 0))
                        {
                            return -1;
                        }
                        i += length;
                        break;
                    }
                default:
                    {
                        var length = json[i..].IndexOfAny(JsonScanner.TokenEnds);
                        if (length <= 0)
                        {
                            return -1;
                        }
                        var token = json.Slice(i, length);
                        switch (token[0])
                        {
                            case >= (byte)'0' and <= (byte)'9' or (byte)'-':
                                SetLeaf(key, token, JsonValueKind.Number, escaped: false, prefixLength, labels);
                                break;
                            case (byte)'t' when token.SequenceEqual("true"u8):
                            case (byte)'f' when token.SequenceEqual("false"u8):
                                SetLeaf(key, token, JsonValueKind.Boolean, escaped: false, prefixLength, labels);
                                break;
                            case (byte)'n' when token.SequenceEqual("null"u8):
                                break;
                            default:
                                return -1;
                        }
                        i += length;
                        break;
                    }
            }
            i = SkipWhiteSpace(json, i);
            if (i >= json.Length)
            {
                return -1;
            }
            if (json[i] == '}')
            {
                return i + 1;
            }
            if (json[i] != ',')
            {
                return -1;
            }
            i = SkipWhiteSpace(json, i + 1);
        }
    }

    /// <summary>jsonparser's way: returns its error or null.</summary>
    private string? ParseExact(ReadOnlySpan<byte> json, int prefixLength, LabelsBuilder labels)
    {
        var reader = new JsonObjectReader(json);
        while (reader.MoveNext())
        {
            var key = reader.Key;
            if (reader.KeyEscaped && !TryUnescapeKey(ref key))
            {
                return JsonScanner.MalformedStringEscape;
            }
            switch (reader.Kind)
            {
                case JsonValueKind.String:
                    SetLeaf(key, reader.Value, reader.Kind, reader.Value.IndexOf((byte)'\\') >= 0, prefixLength, labels);
                    break;
                case JsonValueKind.Number or JsonValueKind.Boolean:
                    SetLeaf(key, reader.Value, reader.Kind, escaped: false, prefixLength, labels);
                    break;
                case JsonValueKind.Object:
                    {
                        var error = ParseExact(reader.Value, EnterObject(key, prefixLength), labels);
                        if (error is not null)
                        {
                            return error;
                        }
                        _predicted.Leave();
                        break;
                    }
            }
        }
        return reader.Error;
    }

    private static int SkipWhiteSpace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            i++;
        }
        return i;
    }

    private bool TryUnescapeKey(ref ReadOnlySpan<byte> key)
    {
        Utf8KeySanitizer.EnsureCapacity(ref _keyScratch, key.Length);
        var n = JsonScanner.Unescape(key, _keyScratch);
        if (n < 0)
        {
            return false;
        }
        key = _keyScratch.AsSpan(0, n);
        return true;
    }

    /// <summary>Appends a nested object's key to the name prefix; returns the prefix length inside it.</summary>
    private int EnterObject(ReadOnlySpan<byte> key, int prefixLength)
    {
        // The key is part of the predicted sequence too: two lines whose keys all matched so far share the prefix.
        _predicted.Enter(key);
        var nested = prefixLength;
        if (nested != 0)
        {
            Utf8KeySanitizer.EnsureCapacity(ref _prefix, nested + 1);
            _prefix[nested++] = (byte)'_';
        }
        // The key buffer is reused by the nested object: the prefix already holds this key.
        return Utf8KeySanitizer.Append(ref _prefix, nested, key);
    }

    private void SetLeaf(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, JsonValueKind kind, bool escaped, int prefixLength, LabelsBuilder labels)
    {
        if (!_predicted.TryNext(key, out var name))
        {
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
            _predicted.Learn(key, name);
        }
        if (name is null)
        {
            return;
        }
        var labelName = name.For(labels);
        switch (kind)
        {
            case JsonValueKind.Boolean:
                labels.Set(LabelCategory.Parsed, labelName, value[0] == 't' ? "true" : "false");
                break;
            case JsonValueKind.Number:
                labels.SetUtf8(LabelCategory.Parsed, labelName, value, replaceInvalid: false);
                break;
            default:
                if (escaped)
                {
                    Utf8KeySanitizer.EnsureCapacity(ref _valueScratch, value.Length);
                    var n = JsonScanner.Unescape(value, _valueScratch);
                    // jsonparser's Unescape failing makes Loki's value empty.
                    value = n < 0 ? default : _valueScratch.AsSpan(0, n);
                }
                labels.SetUtf8(LabelCategory.Parsed, labelName, value, replaceInvalid: true);
                break;
        }
    }
}
