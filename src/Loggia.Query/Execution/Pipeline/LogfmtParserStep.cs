namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// <c>| logfmt [--strict] [--keep-empty]</c>: every <c>key=value</c> becomes a parsed label (keys sanitised, a
/// later duplicate overrides). Malformed pairs are skipped; with <c>--strict</c> parsing stops at the first one
/// and sets <c>__error__="LogfmtParserErr"</c> with the decoder's message. Keys without a value (and empty
/// values) are dropped unless <c>--keep-empty</c>.
/// </summary>
internal sealed class LogfmtParserStep(bool strict, bool keepEmpty) : PipelineStep
{
    private static readonly Func<ReadOnlySpan<byte>, string> Sanitize = static key => LabelNames.Sanitize(key);

    private readonly ParsedNameCache _names = new();
    private byte[] _scratch = new byte[256];

    public override bool Process(ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        Utf8KeySanitizer.EnsureCapacity(ref _scratch, line.Length);
        var decoder = new LogfmtDecoder(line, _scratch);
        while (!decoder.EndOfLine)
        {
            if (!decoder.ScanKeyValue())
            {
                if (strict)
                {
                    break;
                }
                continue;
            }
            var name = _names.Get(decoder.Key, Sanitize);
            if (name is null)
            {
                continue;
            }
            var value = decoder.Value;
            if (!keepEmpty && value.IsEmpty)
            {
                continue;
            }
            labels.SetUtf8(LabelCategory.Parsed, name.For(labels), value, replaceInvalid: true);
        }
        if (strict && decoder.Error is { } error)
        {
            labels.Error = LabelNames.LogfmtParserError;
            labels.ErrorDetails = error;
        }
        return true;
    }
}
