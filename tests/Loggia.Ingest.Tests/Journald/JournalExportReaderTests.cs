using System.Text;
using System.Text.Json;
using Loggia.Ingest.Journald;

namespace Loggia.Ingest.Tests.Journald;

public sealed class JournalExportReaderTests
{
    private const int Limit = 1024;

    private static byte[] Binary(string name, byte[] value) =>
        [.. Encoding.ASCII.GetBytes(name + "\n"), .. BitConverter.GetBytes((ulong)value.Length), .. value, (byte)'\n'];

    private static List<List<(string Name, byte[] Value, bool Binary)>> ReadAll(byte[] body, int limit = Limit)
    {
        var entries = new List<List<(string, byte[], bool)>>();
        var fields = new List<JournalField>();
        int start = 0;
        while (true)
        {
            var status = JournalExportReader.TryReadEntry(body.AsSpan(start), true, limit, fields, out var consumed, out var error);
            if (status == JournalReadStatus.EndOfData)
            {
                return entries;
            }

            Assert.True(status == JournalReadStatus.Entry, $"{status}: {error}");
            var input = body.AsSpan(start);
            var entry = new List<(string, byte[], bool)>();
            foreach (var field in fields)
            {
                entry.Add((Encoding.ASCII.GetString(field.Name(input)), field.Value(input).ToArray(), field.IsBinary));
            }

            entries.Add(entry);
            start += consumed;
        }
    }

    private static (JournalReadStatus Status, string? Error) ReadUntilError(byte[] body, int limit = Limit)
    {
        var fields = new List<JournalField>();
        int start = 0;
        while (true)
        {
            var status = JournalExportReader.TryReadEntry(body.AsSpan(start), true, limit, fields, out var consumed, out var error);
            if (status != JournalReadStatus.Entry)
            {
                return (status, error);
            }

            start += consumed;
        }
    }

    [Fact]
    public void RealJournalctlExport_EveryEntryAndFieldAsJournalctlJsonShowsThem()
    {
        var export = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "data", "journald", "journalctl-export.export"));
        var json = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "journald", "journalctl-json-all.jsonl"));
        var entries = ReadAll(export, 1 << 20);
        Assert.Equal(json.Length, entries.Count);
        for (int i = 0; i < json.Length; i++)
        {
            using var doc = JsonDocument.Parse(json[i]);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                var values = entries[i].Where(f => f.Name == property.Name).Select(f => f.Value).ToList();
                var expected = property.Value.ValueKind == JsonValueKind.String ? [Encoding.UTF8.GetBytes(property.Value.GetString()!)]
                    : property.Value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number) ? [property.Value.EnumerateArray().Select(v => v.GetByte()).ToArray()]
                    : property.Value.EnumerateArray().Select(v => Encoding.UTF8.GetBytes(v.GetString()!)).ToList();
                Assert.Equal(expected, values);
            }

            Assert.Equal(doc.RootElement.EnumerateObject().Sum(p => p.Value.ValueKind == JsonValueKind.Array && p.Value.EnumerateArray().First().ValueKind == JsonValueKind.String ? p.Value.GetArrayLength() : 1), entries[i].Count);
        }

        // The fourth entry has binary-safe fields (control characters, non-UTF-8, a newline) and a multi-valued one.
        Assert.Contains(entries[3], f => f.Name == "BINARY" && f.Binary);
        Assert.Equal(2, entries[3].Count(f => f.Name == "_UDEV_DEVLINK"));
    }

    [Fact]
    public void BinaryField_WithNewlinesEqualsAndZeroBytes_IsReadWhole()
    {
        byte[] value = [.. "a=b\n\nc"u8, 0, 0xFF, (byte)'\n'];
        byte[] body = [.. "A=1\n"u8, .. Binary("DATA", value), .. "B=two=2\n\n"u8];
        var entry = Assert.Single(ReadAll(body));
        Assert.Equal(["A", "DATA", "B"], entry.Select(f => f.Name));
        Assert.Equal([false, true, false], entry.Select(f => f.Binary));
        Assert.Equal(["1"u8.ToArray(), value, "two=2"u8.ToArray()], entry.Select(f => f.Value));
    }

    [Fact]
    public void EmptyValues_ExtraBlankLines_AndLastEntryWithoutBlankLine_AreEntries()
    {
        var entries = ReadAll("\n\nA=\n\n\n\nB=x\n"u8.ToArray());
        Assert.Equal(2, entries.Count);
        var empty = Assert.Single(entries[0]);
        Assert.Equal(("A", 0, false), (empty.Name, empty.Value.Length, empty.Binary));
        Assert.Equal("B", Assert.Single(entries[1]).Name);
        Assert.Equal(JournalReadStatus.EndOfData, ReadUntilError("\n\n"u8.ToArray()).Status);
    }

    [Fact]
    public void StreamedInput_SplitAtEveryOffset_GivesTheSameEntries()
    {
        byte[] body = [.. "__CURSOR=s=1\nMESSAGE=hello\n"u8, .. Binary("BIN", [1, 2, (byte)'\n', 3]), .. "\nMESSAGE=second\n\n"u8];
        var whole = ReadAll(body);
        var fields = new List<JournalField>();
        for (int split = 0; split <= body.Length; split++)
        {
            // The reader sees a prefix first (not final), then everything: it must ask for more, never guess.
            int start = 0, entries = 0;
            var status = JournalExportReader.TryReadEntry(body.AsSpan(0, split), false, Limit, fields, out var consumed, out _);
            while (status == JournalReadStatus.Entry)
            {
                start += consumed;
                entries++;
                status = JournalExportReader.TryReadEntry(body.AsSpan(start, split - start), false, Limit, fields, out consumed, out _);
            }

            Assert.Equal(JournalReadStatus.NeedMoreData, status);
            while ((status = JournalExportReader.TryReadEntry(body.AsSpan(start), true, Limit, fields, out consumed, out var error)) == JournalReadStatus.Entry)
            {
                start += consumed;
                entries++;
            }

            Assert.Equal(JournalReadStatus.EndOfData, status);
            Assert.Equal(whole.Count, entries);
        }
    }

    public static TheoryData<string, byte[], JournalReadStatus, string> Malformed => new()
    {
        { "missing =", "MESSAGE=ok\n\nno equals here\n\n"u8.ToArray(), JournalReadStatus.Malformed, "missing '=' in 'no equals here'" },
        { "lower-case binary name", "lowercase\n"u8.ToArray(), JournalReadStatus.Malformed, "missing '='" },
        { "empty name", "=value\n\n"u8.ToArray(), JournalReadStatus.Malformed, "a field has no name" },
        { "ends inside a text field", "MESSAGE=no newline"u8.ToArray(), JournalReadStatus.Malformed, "ends inside a field" },
        { "truncated length", [.. "DATA\n"u8, 3, 0, 0], JournalReadStatus.Malformed, "binary field DATA is truncated" },
        { "length beyond body", [.. "DATA\n"u8, 50, 0, 0, 0, 0, 0, 0, 0, .. "abc\n"u8], JournalReadStatus.Malformed, "declares 50 bytes but the data ends after 4" },
        { "no newline after binary", [.. "DATA\n"u8, 3, 0, 0, 0, 0, 0, 0, 0, .. "abcX\n"u8], JournalReadStatus.Malformed, "is not followed by a newline" },
        { "text field over limit", [.. "MESSAGE="u8, .. new byte[Limit + 1], .. "\n\n"u8], JournalReadStatus.FieldTooLarge, "1025 bytes, longer than the limit of 1024" },
        { "binary length over limit", [.. "DATA\n"u8, 0, 0, 0, 0, 0, 0, 0, 0x80], JournalReadStatus.FieldTooLarge, "declares 9223372036854775808 bytes" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedInput_IsReportedWithAClearReason(string name, byte[] body, JournalReadStatus expected, string message)
    {
        var (status, error) = ReadUntilError(body);
        Assert.True(expected == status, name);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeTextFieldStillArriving_IsTooLargeBeforeItEnds()
    {
        // A buffer must not grow without bound waiting for a newline that is beyond the limit anyway.
        byte[] body = [.. "MESSAGE="u8, .. new byte[Limit + JournalExportReader.MaxFieldNameLength + 2]];
        var status = JournalExportReader.TryReadEntry(body, false, Limit, [], out _, out var error);
        Assert.Equal(JournalReadStatus.FieldTooLarge, status);
        Assert.Contains("longer than the limit", error, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomBytes_NeverThrowAndAlwaysMakeProgress()
    {
        var random = new Random(6);
        var fields = new List<JournalField>();
        for (int round = 0; round < 2000; round++)
        {
            var body = new byte[random.Next(0, 200)];
            random.NextBytes(body);
            // Bias towards the format's own bytes so that the deeper paths are reached.
            for (int i = 0; i < body.Length; i++)
            {
                body[i] = (random.Next(4)) switch { 0 => (byte)'\n', 1 => (byte)'=', 2 => (byte)('A' + random.Next(3)), _ => body[i] };
            }

            int start = 0;
            foreach (var final in new[] { false, true })
            {
                while (JournalExportReader.TryReadEntry(body.AsSpan(start), final, 64, fields, out var consumed, out _) == JournalReadStatus.Entry)
                {
                    Assert.True(consumed > 0);
                    foreach (var field in fields)
                    {
                        Assert.InRange(field.ValueOffset + field.ValueLength, 0, body.Length - start);
                    }

                    start += consumed;
                }
            }
        }
    }
}
