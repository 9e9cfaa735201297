using System.Text;
using System.Text.RegularExpressions;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// <c>| decolorize</c>: removes ANSI escape sequences (the expression of the stripansi package Loki uses). Lines
/// without an escape introducer (ESC or CSI) are left untouched without decoding them.
/// </summary>
internal sealed partial class DecolorizeStep : PipelineStep
{
    private byte[] _buffer = new byte[256];

    [GeneratedRegex("[\u001B\u009B][[\\]()#;?]*(?:(?:(?:[a-zA-Z\\d]*(?:;[a-zA-Z\\d]*)*)?\u0007)|(?:(?:\\d{1,4}(?:;\\d{0,4})*)?[\\dA-PRZcf-ntqry=><~]))", RegexOptions.CultureInvariant)]
    private static partial Regex AnsiSequence();

    public override bool Process(ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        if (line.IndexOf((byte)0x1B) < 0 && line.IndexOf("\u009B"u8) < 0)
        {
            return true;
        }
        var stripped = AnsiSequence().Replace(Encoding.UTF8.GetString(line), "");
        var length = Encoding.UTF8.GetByteCount(stripped);
        Utf8KeySanitizer.EnsureCapacity(ref _buffer, length);
        Encoding.UTF8.GetBytes(stripped, _buffer);
        line = _buffer.AsSpan(0, length);
        return true;
    }
}
