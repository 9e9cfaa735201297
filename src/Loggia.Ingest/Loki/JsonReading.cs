using System.Buffers.Text;
using System.Text.Json;
using Loggia.Core.Model;

namespace Loggia.Ingest.Loki;

/// <summary>Helpers shared by the JSON push decoders (Loki's and Loggia's native format).</summary>
internal static class JsonReading
{
    public static void Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new PushRequestException(400, "invalid JSON: unexpected end of input");
        }
    }

    public static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        Read(ref reader);
        if (reader.TokenType != type)
        {
            throw new PushRequestException(400, $"invalid JSON: {what}: expected {Describe(type)}, found {Describe(reader.TokenType)}");
        }
    }

    public static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.EndObject => "the end of an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.EndArray => "the end of an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.PropertyName => "a property name",
        _ => type.ToString(),
    };

    /// <summary>Copies the current string token's unescaped UTF-8 bytes into the arena.</summary>
    public static ReadOnlyMemory<byte> ReadUtf8(ref Utf8JsonReader reader, LineArena arena)
    {
        ReadOnlySpan<byte> raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            return arena.Copy(raw);
        }

        // Unescaping never makes a string longer.
        Memory<byte> target = arena.Reserve(raw.Length);
        int written = reader.CopyString(target.Span);
        arena.Commit(target, written);
        return target[..written];
    }

    /// <summary>
    /// Reads an object of string values (labels or structured metadata); a repeated name keeps the last value. Names
    /// and values that are not valid UTF-8 are read with U+FFFD in place of the invalid bytes; the result says whether
    /// there were any (label sets with them are refused, as Loki's label parser refuses invalid UTF-8).
    /// </summary>
    /// <returns>True when a name or value was not valid UTF-8.</returns>
    public static bool ReadStringMap(ref Utf8JsonReader reader, List<LabelPair> into, string what)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new PushRequestException(400, $"invalid JSON: {what}: expected an object, found {Describe(reader.TokenType)}");
        }

        bool invalidUtf8 = false;
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return invalidUtf8;
            }

            string name = ReadLenientString(ref reader, ref invalidUtf8);
            Read(ref reader);
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new PushRequestException(400, $"invalid JSON: {what}: value of \"{name}\" must be a string, found {Describe(reader.TokenType)}");
            }

            string value = ReadLenientString(ref reader, ref invalidUtf8);
            int existing = IndexOf(into, name);
            if (existing >= 0)
            {
                into[existing] = new LabelPair(name, value);
            }
            else
            {
                into.Add(new LabelPair(name, value));
            }
        }
    }

    /// <summary>
    /// Builds a stream from JSON label pairs the way Loki does: print them as a label string (sorted, Go-quoted),
    /// then parse that string, so names that are not valid label names are rejected by validation exactly as a
    /// protobuf label string with them would be. <paramref name="invalidUtf8"/>: the pairs were not valid UTF-8, so the
    /// stream is refused (<c>invalid_labels</c>).
    /// </summary>
    public static PushStream CreateStream(List<LabelPair> labelPairs, LogEntry[] entries, bool invalidUtf8 = false)
    {
        LabelPair[] sorted = [.. labelPairs];
        Array.Sort(sorted, static (x, y) => string.CompareOrdinal(x.Name, y.Name));
        string raw = Labels.Format(sorted);
        return invalidUtf8 ? PushStream.InvalidUtf8(raw, entries) : PushStream.Create(raw, entries);
    }

    /// <summary>The current string token; invalid UTF-8 (or an unpaired surrogate escape) becomes U+FFFD and sets <paramref name="invalidUtf8"/>.</summary>
    private static string ReadLenientString(ref Utf8JsonReader reader, ref bool invalidUtf8)
    {
        if (!reader.ValueIsEscaped && System.Text.Unicode.Utf8.IsValid(reader.ValueSpan))
        {
            return reader.GetString()!;
        }

        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            invalidUtf8 = true;
            return System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
        }
    }

    /// <summary>Parses an integer from a JSON string token's bytes (no sign other than '-', no spaces).</summary>
    public static bool TryParseInt64(ref Utf8JsonReader reader, out long value)
    {
        if (!reader.ValueIsEscaped)
        {
            return TryParseInt64(reader.ValueSpan, out value);
        }

        Span<byte> buffer = stackalloc byte[32];
        if (reader.ValueSpan.Length > buffer.Length)
        {
            value = 0;
            return false;
        }

        int written = reader.CopyString(buffer);
        return TryParseInt64(buffer[..written], out value);
    }

    private static bool TryParseInt64(ReadOnlySpan<byte> raw, out long value)
    {
        // Go's strconv.ParseInt accepts a leading '+', as does Utf8Parser; nothing else (no spaces, no fraction).
        return Utf8Parser.TryParse(raw, out value, out int consumed) && consumed == raw.Length && raw.Length > 0;
    }

    private static int IndexOf(List<LabelPair> pairs, string name)
    {
        for (int i = 0; i < pairs.Count; i++)
        {
            if (string.Equals(pairs[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
