namespace Loggia.Ingest.Syslog;

/// <summary>
/// Reads RFC 5424 STRUCTURED-DATA (<c>[id name="value" …][id2 …]</c>) element by element and parameter by parameter,
/// over the bytes, without allocating. Values may escape <c>"</c>, <c>\</c> and <c>]</c> with a backslash.
/// </summary>
public ref struct SyslogStructuredDataReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private bool _inElement;

    /// <summary>Reads <paramref name="data"/>, which <see cref="TryMeasure"/> accepted.</summary>
    public SyslogStructuredDataReader(ReadOnlySpan<byte> data)
    {
        _data = data;
    }

    /// <summary>
    /// The length of the STRUCTURED-DATA at the start of <paramref name="text"/> (one or more elements, ending before a
    /// space or the end); false when it is malformed.
    /// </summary>
    public static bool TryMeasure(ReadOnlySpan<byte> text, out int length)
    {
        length = 0;
        var reader = new SyslogStructuredDataReader(text);
        int elements = 0;
        while (reader._position < text.Length && text[reader._position] == '[')
        {
            if (!reader.TryReadElement(out _))
            {
                return false;
            }

            bool failed;
            while (reader.TryReadParam(out _, out _, out failed))
            {
            }

            if (failed)
            {
                return false;
            }

            elements++;
        }

        length = reader._position;
        return elements > 0 && (length == text.Length || text[length] == ' ');
    }

    /// <summary>Moves to the next element and returns its SD-ID.</summary>
    public bool TryReadElement(out ReadOnlySpan<byte> id)
    {
        id = default;
        while (_inElement && TryReadParam(out _, out _, out _))
        {
        }

        if (_position >= _data.Length || _data[_position] != '[')
        {
            return false;
        }

        int start = ++_position;
        while (_position < _data.Length && IsNameByte(_data[_position]))
        {
            _position++;
        }

        if (_position == start || _position >= _data.Length)
        {
            return false;
        }

        id = _data[start.._position];
        _inElement = true;
        return true;
    }

    /// <summary>Reads the next parameter of the current element; <paramref name="rawValue"/> still holds its escapes.</summary>
    public bool TryReadParam(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> rawValue, out bool failed)
    {
        name = default;
        rawValue = default;
        failed = false;
        if (!_inElement)
        {
            return false;
        }

        if (_position < _data.Length && _data[_position] == ']')
        {
            _position++;
            _inElement = false;
            return false;
        }

        if (_position >= _data.Length || _data[_position] != ' ')
        {
            return Fail(out failed);
        }

        int start = ++_position;
        while (_position < _data.Length && IsNameByte(_data[_position]))
        {
            _position++;
        }

        if (_position == start || _position + 1 >= _data.Length || _data[_position] != '=' || _data[_position + 1] != '"')
        {
            return Fail(out failed);
        }

        name = _data[start.._position];
        _position += 2;
        int valueStart = _position;
        while (_position < _data.Length && _data[_position] != '"')
        {
            // A backslash escapes the next byte, whatever it is; the unescaping keeps it unless it is " \ or ].
            _position += _data[_position] == '\\' ? 2 : 1;
        }

        if (_position >= _data.Length)
        {
            return Fail(out failed);
        }

        rawValue = _data[valueStart.._position];
        _position++;
        return true;
    }

    /// <summary>Writes <paramref name="raw"/> without its escapes into <paramref name="target"/> (at least as long) and returns the length.</summary>
    public static int Unescape(ReadOnlySpan<byte> raw, Span<byte> target)
    {
        int written = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            byte b = raw[i];
            if (b == '\\' && i + 1 < raw.Length && raw[i + 1] is (byte)'"' or (byte)'\\' or (byte)']')
            {
                b = raw[++i];
            }

            target[written++] = b;
        }

        return written;
    }

    private bool Fail(out bool failed)
    {
        failed = true;
        _inElement = false;
        _position = _data.Length + 1;
        return false;
    }

    // SD-NAME: printable US-ASCII except '=', space, ']' and '"'.
    private static bool IsNameByte(byte b) => b > 32 && b < 127 && b != '=' && b != ']' && b != '"';
}
