using System.Text;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// <c>| pattern "&lt;ip&gt; - &lt;_&gt; [&lt;ts&gt;] ..."</c> with Loki's matching rules: a leading literal must start the line;
/// each capture takes the bytes up to the first occurrence of the literal that follows it; when that literal is
/// missing the capture takes the rest of the line and matching stops (earlier captures are kept); a trailing
/// capture takes the rest of the line. <c>&lt;_&gt;</c> matches without producing a label.
/// </summary>
internal sealed class PatternParserStep : PipelineStep
{
    // Alternating nodes: a literal (bytes) or a capture (name, null for <_>).
    private readonly byte[]?[] _literals;
    private readonly ParsedName?[] _captures;
    private readonly bool[] _isCapture;
    private readonly LabelValueInterner _values;

    public PatternParserStep(string pattern, LabelValueInterner values)
    {
        var literals = new List<byte[]?>();
        var captures = new List<ParsedName?>();
        var isCapture = new List<bool>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < pattern.Length)
        {
            if (pattern[i] == '<' && TryReadCaptureName(pattern, i, out var name))
            {
                if (literal.Length > 0)
                {
                    literals.Add(Encoding.UTF8.GetBytes(literal.ToString()));
                    captures.Add(null);
                    isCapture.Add(false);
                    literal.Clear();
                }
                literals.Add(null);
                captures.Add(name == "_" ? null : new ParsedName(name));
                isCapture.Add(true);
                i += name.Length + 2;
                continue;
            }
            literal.Append(pattern[i++]);
        }
        if (literal.Length > 0)
        {
            literals.Add(Encoding.UTF8.GetBytes(literal.ToString()));
            captures.Add(null);
            isCapture.Add(false);
        }
        _literals = [.. literals];
        _captures = [.. captures];
        _isCapture = [.. isCapture];
        _values = values;
    }

    public override bool Process(ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        var input = line;
        if (input.IsEmpty || _isCapture.Length == 0)
        {
            return true;
        }
        var n = 0;
        if (!_isCapture[0])
        {
            if (!input.StartsWith(_literals[0]))
            {
                return true;
            }
            input = input[_literals[0]!.Length..];
            n = 1;
        }
        while (n < _isCapture.Length)
        {
            var capture = _captures[n];
            if (n + 1 == _isCapture.Length)
            {
                Set(capture, input, labels);
                return true;
            }
            var next = _literals[n + 1]!;
            var at = input.IndexOf(next);
            if (at < 0)
            {
                Set(capture, input, labels);
                return true;
            }
            Set(capture, input[..at], labels);
            input = input[(at + next.Length)..];
            n += 2;
        }
        return true;
    }

    private void Set(ParsedName? capture, ReadOnlySpan<byte> value, LabelsBuilder labels)
    {
        if (capture is not null)
        {
            labels.Set(LabelCategory.Parsed, capture.For(labels), _values.Get(value));
        }
    }

    private static bool TryReadCaptureName(string s, int open, out string name)
    {
        name = "";
        var i = open + 1;
        if (i >= s.Length || !(char.IsAsciiLetter(s[i]) || s[i] == '_'))
        {
            return false;
        }
        while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '_'))
        {
            i++;
        }
        if (i >= s.Length || s[i] != '>')
        {
            return false;
        }
        name = s[(open + 1)..i];
        return true;
    }
}
