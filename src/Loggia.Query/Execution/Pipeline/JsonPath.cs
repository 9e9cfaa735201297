using System.Globalization;
using System.Text;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// A compiled <c>| json label="path"</c> expression: <c>a.b</c>, <c>a[0]</c>, <c>["a key"]</c> and their
/// combinations (Loki's jsonexpr grammar), and its lookup in a JSON line.
/// </summary>
internal sealed class JsonPath
{
    private readonly byte[]?[] _keys; // a key segment, or null for an index segment
    private readonly int[] _indexes;

    private JsonPath(byte[]?[] keys, int[] indexes)
    {
        _keys = keys;
        _indexes = indexes;
    }

    /// <summary>Parses an expression; throws Loki's "cannot parse expression" error when invalid.</summary>
    public static JsonPath Parse(string expression)
    {
        var keys = new List<byte[]?>();
        var indexes = new List<int>();
        var i = 0;
        var s = expression;
        while (true)
        {
            SkipSpace(s, ref i);
            if (i >= s.Length)
            {
                break;
            }
            if (keys.Count > 0 && s[i] == '.')
            {
                i++;
                SkipSpace(s, ref i);
                if (i >= s.Length || !IsStart(s[i]))
                {
                    throw Invalid(expression);
                }
            }
            else if (keys.Count > 0 && s[i] != '[')
            {
                throw Invalid(expression);
            }
            if (IsStart(s[i]))
            {
                var start = i;
                while (i < s.Length && (IsStart(s[i]) || char.IsAsciiDigit(s[i])))
                {
                    i++;
                }
                keys.Add(Encoding.UTF8.GetBytes(s[start..i]));
                indexes.Add(-1);
                continue;
            }
            if (s[i] != '[')
            {
                throw Invalid(expression);
            }
            i++;
            SkipSpace(s, ref i);
            if (i < s.Length && s[i] == '"')
            {
                var close = s.IndexOf('"', i + 1);
                if (close < 0)
                {
                    throw Invalid(expression);
                }
                keys.Add(Encoding.UTF8.GetBytes(s[(i + 1)..close]));
                indexes.Add(-1);
                i = close + 1;
            }
            else
            {
                var start = i;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                }
                if (i == start || !int.TryParse(s.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    throw Invalid(expression);
                }
                keys.Add(null);
                indexes.Add(index);
            }
            SkipSpace(s, ref i);
            if (i >= s.Length || s[i] != ']')
            {
                throw Invalid(expression);
            }
            i++;
        }
        if (keys.Count == 0)
        {
            throw Invalid(expression);
        }
        return new JsonPath([.. keys], [.. indexes]);
    }

    /// <summary>Finds the value at this path (the first match for a repeated key); false when absent.</summary>
    public bool TryFind(ReadOnlySpan<byte> json, out ReadOnlySpan<byte> value, out JsonValueKind kind)
    {
        value = json;
        kind = JsonValueKind.Object;
        for (var s = 0; s < _keys.Length; s++)
        {
            var found = _keys[s] is { } key
                ? TryMember(value, key, out value, out kind)
                : TryElement(value, _indexes[s], out value, out kind);
            if (!found)
            {
                return false;
            }
        }
        return true;
    }

    private static bool TryMember(ReadOnlySpan<byte> json, byte[] key, out ReadOnlySpan<byte> value, out JsonValueKind kind)
    {
        var reader = new JsonObjectReader(json);
        Span<byte> scratch = stackalloc byte[128];
        while (reader.MoveNext())
        {
            if (KeyEquals(reader.Key, reader.KeyEscaped, key, scratch))
            {
                value = reader.Value;
                kind = reader.Kind;
                return true;
            }
        }
        value = default;
        kind = default;
        return false;
    }

    private static bool KeyEquals(ReadOnlySpan<byte> raw, bool escaped, byte[] key, Span<byte> scratch)
    {
        if (escaped && raw.Length <= scratch.Length)
        {
            var n = JsonScanner.Unescape(raw, scratch);
            return n >= 0 && scratch[..n].SequenceEqual(key);
        }
        return raw.SequenceEqual(key);
    }

    private static bool TryElement(ReadOnlySpan<byte> json, int index, out ReadOnlySpan<byte> value, out JsonValueKind kind)
    {
        value = default;
        kind = default;
        var t = JsonScanner.NextToken(json);
        if (t < 0 || json[t] != '[')
        {
            return false;
        }
        var offset = t + 1;
        for (var i = 0; ; i++)
        {
            var next = JsonScanner.NextToken(json[offset..]);
            if (next < 0 || json[offset + next] == ']')
            {
                return false;
            }
            if (JsonScanner.ReadValue(json[offset..], out var start, out var length, out kind, out var end) is not null)
            {
                return false;
            }
            if (i == index)
            {
                value = json.Slice(offset + start, length);
                return true;
            }
            offset += end;
            next = JsonScanner.NextToken(json[offset..]);
            if (next < 0 || json[offset + next] != ',')
            {
                return false;
            }
            offset += next + 1;
        }
    }

    private static bool IsStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static void SkipSpace(string s, ref int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t' or '\n')
        {
            i++;
        }
    }

    private static LogQLParseException Invalid(string expression) =>
        LogQLParseException.Plain($"cannot parse expression [{expression}]: syntax error");
}
