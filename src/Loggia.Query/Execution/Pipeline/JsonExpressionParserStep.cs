using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// <c>| json a="b.c", d="e[0]"</c>: each label gets the value at its path (strings unescaped, objects and arrays
/// as their JSON text, null as empty); a path that is absent gives an empty label. A line that does not start like
/// JSON sets <c>__error__="JSONParserErr"</c> without details, as Loki does.
/// </summary>
internal sealed class JsonExpressionParserStep : PipelineStep
{
    private readonly ParsedName[] _names;
    private readonly JsonPath[] _paths;
    private readonly LabelValueInterner _values;
    private byte[] _scratch = new byte[256];

    public JsonExpressionParserStep(SyntaxList<LabelExtraction> extractions, LabelValueInterner values)
    {
        _names = new ParsedName[extractions.Count];
        _paths = new JsonPath[extractions.Count];
        for (var i = 0; i < extractions.Count; i++)
        {
            if (!LabelNames.IsValid(extractions[i].Name))
            {
                throw LogQLParseException.Plain($"invalid extracted label name '{extractions[i].Name}'");
            }
            _names[i] = new ParsedName(extractions[i].Name);
            _paths[i] = JsonPath.Parse(extractions[i].Expression);
        }
        _values = values;
    }

    public override bool Process(ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        if (line.IsEmpty)
        {
            return true;
        }
        if (line[0] is not ((byte)'"' or (byte)'{' or (byte)'['))
        {
            labels.Error = LabelNames.JsonParserError;
            return true;
        }
        for (var i = 0; i < _paths.Length; i++)
        {
            if (_paths[i].TryFind(line, out var value, out var kind))
            {
                labels.Set(LabelCategory.Parsed, _names[i].For(labels), Read(value, kind));
            }
            else if (!labels.TryGet(_names[i].Name, out _))
            {
                labels.Set(LabelCategory.Parsed, _names[i].Name, "");
            }
        }
        return true;
    }

    private string Read(ReadOnlySpan<byte> value, JsonValueKind kind)
    {
        switch (kind)
        {
            case JsonValueKind.Null:
                return "";
            case JsonValueKind.Object:
                return _values.Get(value);
            default:
                if (value.IndexOf((byte)'\\') < 0)
                {
                    return _values.GetReplacingInvalid(value);
                }
                Utf8KeySanitizer.EnsureCapacity(ref _scratch, value.Length);
                var n = JsonScanner.Unescape(value, _scratch);
                return n < 0 ? "" : _values.GetReplacingInvalid(_scratch.AsSpan(0, n));
        }
    }
}
