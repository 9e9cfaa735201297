using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// <c>| logfmt [--strict] a="key", b</c>: only the named keys become labels, renamed to their identifiers; every
/// identifier that is not a stream label first gets an empty value. Errors as <see cref="LogfmtParserStep"/>.
/// </summary>
internal sealed class LogfmtExpressionParserStep : PipelineStep
{
    private static readonly Func<ReadOnlySpan<byte>, string> Sanitize = static key => LabelNames.Sanitize(key);

    private readonly bool _strict;
    private readonly LabelValueInterner _values;
    private readonly ParsedName[] _ids;
    private readonly string[] _keys; // the logfmt key each identifier reads
    private readonly ParsedNameCache _names = new();
    private byte[] _scratch = new byte[256];

    public LogfmtExpressionParserStep(bool strict, SyntaxList<LabelExtraction> extractions, LabelValueInterner values)
    {
        _strict = strict;
        _values = values;
        _ids = new ParsedName[extractions.Count];
        _keys = new string[extractions.Count];
        for (var i = 0; i < extractions.Count; i++)
        {
            var e = extractions[i];
            if (!LabelNames.IsValid(e.Name))
            {
                throw LogQLParseException.Plain($"invalid extracted label name '{e.Name}'");
            }
            if (e.Expression.Length == 0 || e.Expression.AsSpan().ContainsAny(" \t\n=\""))
            {
                throw LogQLParseException.Plain($"cannot parse expression [{e.Expression}]: syntax error");
            }
            _ids[i] = new ParsedName(e.Name);
            _keys[i] = e.Expression;
        }
    }

    public override bool Process(ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        foreach (var id in _ids)
        {
            if (!labels.BaseHas(id.Name))
            {
                labels.Set(LabelCategory.Parsed, id.Name, "");
            }
        }
        Utf8KeySanitizer.EnsureCapacity(ref _scratch, line.Length);
        var decoder = new LogfmtDecoder(line, _scratch);
        while (!decoder.EndOfLine)
        {
            if (!decoder.ScanKeyValue())
            {
                if (_strict)
                {
                    break;
                }
                continue;
            }
            var key = _names.Get(decoder.Key, Sanitize);
            if (key is null)
            {
                continue;
            }
            // A key read by an identifier is renamed to it; a key that is itself an identifier is taken as is.
            var target = -1;
            for (var i = 0; i < _keys.Length; i++)
            {
                if (_keys[i] == key.Name)
                {
                    target = i;
                    break;
                }
            }
            if (target < 0)
            {
                for (var i = 0; i < _ids.Length; i++)
                {
                    if (_ids[i].Name == key.Name)
                    {
                        target = i;
                        break;
                    }
                }
            }
            if (target < 0)
            {
                continue;
            }
            var value = decoder.Value;
            // Loki empties a value holding the replacement character here (the plain parser replaces it).
            var text = value.IndexOf("\uFFFD"u8) >= 0 || !System.Text.Unicode.Utf8.IsValid(value) ? "" : _values.Get(value);
            labels.Set(LabelCategory.Parsed, _ids[target].For(labels), text);
        }
        if (_strict && decoder.Error is { } error)
        {
            labels.Error = LabelNames.LogfmtParserError;
            labels.ErrorDetails = error;
        }
        return true;
    }
}
