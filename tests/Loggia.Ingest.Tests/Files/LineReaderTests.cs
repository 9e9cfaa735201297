using System.Text;
using Loggia.Ingest.Files;

namespace Loggia.Ingest.Tests.Files;

public sealed class LineReaderTests
{
    private static List<(string Line, bool Truncated)> ReadAll(LineReader reader, Stream stream)
    {
        var lines = new List<(string, bool)>();
        while (reader.TryReadLine(stream, out var line, out var truncated))
        {
            lines.Add((Encoding.UTF8.GetString(line), truncated));
        }

        return lines;
    }

    [Fact]
    public void PartialLastLine_IsHeldUntilItsNewlineArrives()
    {
        using var file = new GrowingFile();
        using var reader = new LineReader(1024);
        file.Append("one\ntw");

        Assert.Equal([("one", false)], ReadAll(reader, file.Stream));
        Assert.Equal(4, reader.Offset);
        Assert.Equal(2, reader.PendingBytes);
        Assert.Equal(6, reader.ReadOffset);

        file.Append("o");
        Assert.Empty(ReadAll(reader, file.Stream));
        Assert.Equal(4, reader.Offset);

        file.Append("\nthree\n");
        Assert.Equal([("two", false), ("three", false)], ReadAll(reader, file.Stream));
        Assert.Equal(14, reader.Offset);
        Assert.Equal(0, reader.PendingBytes);
    }

    [Fact]
    public void CrLf_IsRemovedFromTheLineButCountedInTheOffset()
    {
        using var file = new GrowingFile();
        using var reader = new LineReader(1024);
        file.Append("a\r\nb\rc\r\n\r\n");

        Assert.Equal([("a", false), ("b\rc", false), ("", false)], ReadAll(reader, file.Stream));
        Assert.Equal(10, reader.Offset);
    }

    [Fact]
    public void CrLf_SplitAcrossWrites_IsStillRemoved()
    {
        using var file = new GrowingFile();
        using var reader = new LineReader(1024);
        file.Append("line\r");
        Assert.Empty(ReadAll(reader, file.Stream));

        file.Append("\n");
        Assert.Equal([("line", false)], ReadAll(reader, file.Stream));
        Assert.Equal(6, reader.Offset);
    }

    [Fact]
    public void LineOfExactlyTheCap_IsNotTruncated_WithLfOrCrLf()
    {
        using var file = new GrowingFile();
        using var reader = new LineReader(5);
        file.Append("12345\nabcde\r\n");

        Assert.Equal([("12345", false), ("abcde", false)], ReadAll(reader, file.Stream));
        Assert.Equal(13, reader.Offset);
    }

    [Fact]
    public void LongLine_IsCutAtTheCap_FlaggedOnce_AndItsRestSkipped()
    {
        using var file = new GrowingFile();
        using var reader = new LineReader(8);
        file.Append(new string('x', 40) + "\nnext\n");

        Assert.Equal([("xxxxxxxx", true), ("next", false)], ReadAll(reader, file.Stream));
        Assert.Equal(46, reader.Offset);
    }

    [Fact]
    public void LongLine_StillBeingWritten_IsCutBeforeItsNewline_AndTheRestSkippedWhenItComes()
    {
        using var file = new GrowingFile();
        using var reader = new LineReader(8);
        file.Append(new string('y', 30));
        Assert.Equal([("yyyyyyyy", true)], ReadAll(reader, file.Stream));

        file.Append(new string('y', 30));
        Assert.Empty(ReadAll(reader, file.Stream));

        file.Append("yy\nok\n");
        Assert.Equal([("ok", false)], ReadAll(reader, file.Stream));
        Assert.Equal(66, reader.Offset);
    }

    [Fact]
    public void Cut_DoesNotSplitAUtf8Character()
    {
        using var file = new GrowingFile();
        using var reader = new LineReader(4);
        // 'é' is two bytes (offsets 3 and 4): a cut at 4 bytes would split it.
        file.Append("abcéz\n");

        Assert.Equal([("abc", true)], ReadAll(reader, file.Stream));
    }

    [Fact]
    public void LineLongerThanTheFirstBuffer_ButUnderTheCap_IsReturnedWhole()
    {
        using var file = new GrowingFile();
        using var reader = new LineReader(256 * 1024);
        var big = new string('b', 200_000);
        file.Append(big + "\nsmall\n");

        Assert.Equal([(big, false), ("small", false)], ReadAll(reader, file.Stream));
    }

    [Fact]
    public void TryTakePartial_ReturnsTheUnfinishedLineAndConsumesIt()
    {
        using var file = new GrowingFile();
        using var reader = new LineReader(1024);
        file.Append("done\nhalf\r");
        Assert.Equal([("done", false)], ReadAll(reader, file.Stream));

        Assert.True(reader.TryTakePartial(out var partial));
        Assert.Equal("half", Encoding.UTF8.GetString(partial));
        Assert.Equal(10, reader.Offset);
        Assert.False(reader.TryTakePartial(out _));
    }

    [Fact]
    public void Reset_ForgetsBufferedBytes()
    {
        using var file = new GrowingFile();
        using var reader = new LineReader(1024);
        file.Append("old\nstale");
        Assert.Single(ReadAll(reader, file.Stream));

        using var fresh = new GrowingFile();
        fresh.Append("new\n");
        reader.Reset(0);
        Assert.Equal([("new", false)], ReadAll(reader, fresh.Stream));
        Assert.Equal(4, reader.Offset);
    }

    [Fact]
    public void RandomLinesInRandomWrites_AreReadBackExactly()
    {
        var random = new Random(42);
        for (var round = 0; round < 20; round++)
        {
            using var file = new GrowingFile();
            using var reader = new LineReader(64);
            var expected = new List<(string, bool)>();
            var text = new StringBuilder();
            for (var i = 0; i < 300; i++)
            {
                var length = random.Next(0, 100);
                var line = new string((char)('a' + random.Next(26)), length);
                var crlf = random.Next(4) == 0;
                text.Append(line).Append(crlf ? "\r\n" : "\n");
                expected.Add(length > 64 ? (line[..64], true) : (line, false));
            }

            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            var actual = new List<(string, bool)>();
            for (var written = 0; written < bytes.Length;)
            {
                var chunk = Math.Min(bytes.Length - written, random.Next(1, 200));
                file.Append(bytes[written..(written + chunk)]);
                written += chunk;
                actual.AddRange(ReadAll(reader, file.Stream));
            }

            Assert.Equal(expected, actual);
            Assert.Equal(bytes.Length, reader.Offset);
        }
    }
}
