namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// Iterates the members of one JSON object the way jsonparser's <c>ObjectEach</c> does: key by key, stopping at
/// the closing brace (anything after it is ignored) or at the first error, whose message is then in
/// <see cref="Error"/>.
/// </summary>
internal ref struct JsonObjectReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _offset;
    private int _state; // 0: before '{', 1: inside, 2: done

    public JsonObjectReader(ReadOnlySpan<byte> data)
    {
        _data = data;
    }

    /// <summary>The error that stopped the iteration, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>The current key (still escaped when <see cref="KeyEscaped"/>).</summary>
    public ReadOnlySpan<byte> Key { get; private set; }

    public bool KeyEscaped { get; private set; }

    /// <summary>The current value: a string's body without quotes (still escaped), or the raw text of others.</summary>
    public ReadOnlySpan<byte> Value { get; private set; }

    public JsonValueKind Kind { get; private set; }

    /// <summary>Moves to the next member; false at the end of the object or on an error.</summary>
    public bool MoveNext()
    {
        var data = _data;
        if (_state == 2)
        {
            return false;
        }
        if (_state == 0)
        {
            _state = 1;
            var t = JsonScanner.NextToken(data);
            if (t < 0 || data[t] != '{')
            {
                return Fail(JsonScanner.MalformedObject);
            }
            _offset = t + 1;
            t = JsonScanner.NextToken(data[_offset..]);
            if (t < 0)
            {
                return Fail(JsonScanner.MalformedJson);
            }
            _offset += t;
        }
        else
        {
            // After a value: a comma and the next key, or the closing brace.
            var t = JsonScanner.NextToken(data[_offset..]);
            if (t < 0)
            {
                return Fail(JsonScanner.MalformedArray);
            }
            _offset += t;
            if (data[_offset] == '}')
            {
                return Done();
            }
            if (data[_offset] != ',')
            {
                return Fail(JsonScanner.MalformedObject);
            }
            _offset++;
            t = JsonScanner.NextToken(data[_offset..]);
            if (t < 0)
            {
                return Fail(JsonScanner.MalformedArray);
            }
            _offset += t;
        }

        switch (data[_offset])
        {
            case (byte)'"':
                _offset++;
                break;
            case (byte)'}':
                return Done();
            default:
                return Fail(JsonScanner.MalformedObject);
        }
        var keyEnd = JsonScanner.StringEnd(data[_offset..], out var escaped);
        if (keyEnd < 0)
        {
            return Fail(JsonScanner.MalformedJson);
        }
        Key = data.Slice(_offset, keyEnd - 1);
        KeyEscaped = escaped;
        _offset += keyEnd;

        var colon = JsonScanner.NextToken(data[_offset..]);
        if (colon < 0 || data[_offset + colon] != ':')
        {
            return Fail(JsonScanner.MalformedJson);
        }
        _offset += colon + 1;

        var error = JsonScanner.ReadValue(data[_offset..], out var start, out var length, out var kind, out var end);
        if (error is not null)
        {
            return Fail(error);
        }
        Value = data.Slice(_offset + start, length);
        Kind = kind;
        _offset += end;
        return true;
    }

    /// <summary>Stops the iteration with an error found by the caller (e.g. an invalid escape in a key).</summary>
    public void Stop(string error)
    {
        _ = Fail(error);
    }

    private bool Fail(string error)
    {
        Error = error;
        _state = 2;
        return false;
    }

    private bool Done()
    {
        _state = 2;
        return false;
    }
}
