using System.Text;
using Loggia.Ingest.Files;

namespace Loggia.Ingest.Tests.Files;

public sealed class FileTailerTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ManualTimeProvider _time = new();

    public void Dispose() => _dir.Dispose();

    private static FileStream OpenWriter(string path) =>
        new(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);

    private static void Write(FileStream writer, string text)
    {
        writer.Write(Encoding.UTF8.GetBytes(text));
        writer.Flush();
    }

    private static List<TailedRecord> ReadAll(FileTailer tailer)
    {
        var records = new List<TailedRecord>();
        while (tailer.TryReadRecord(out var record))
        {
            records.Add(record);
        }

        return records;
    }

    private static List<string> Texts(List<TailedRecord> records) => [.. records.Select(r => r.Text)];

    private FileTailer OpenTailer(string path, MultilineOptions? multiline = null, FilePosition? saved = null, bool startAtEnd = false)
    {
        var tailer = new FileTailer(path, 1024, multiline, _time);
        tailer.Open(saved, startAtEnd);
        return tailer;
    }

    [Fact]
    public void AppendedLines_AreRead_WithTheOffsetAfterEach()
    {
        var path = _dir.File("app.log");
        using var writer = OpenWriter(path);
        Write(writer, "one\ntwo\n");
        using var tailer = OpenTailer(path);

        Assert.Equal(TailChange.None, tailer.Poll());
        var records = ReadAll(tailer);
        Assert.Equal(["one", "two"], Texts(records));
        Assert.Equal([4L, 8L], records.Select(r => r.EndOffset));
        Assert.All(records, r => Assert.Equal(tailer.Identity, r.Identity));
        Assert.False(tailer.Identity.IsUnknown);

        Write(writer, "thr");
        Assert.Empty(ReadAll(tailer));
        Write(writer, "ee\n");
        Assert.Equal(["three"], Texts(ReadAll(tailer)));
        Assert.Equal(14, tailer.Offset);
    }

    [Fact]
    public void Open_ResumesAtASavedPositionOfTheSameFile()
    {
        var path = _dir.File("app.log");
        File.WriteAllText(path, "one\ntwo\nthree\n");
        FileIdentity identity;
        using (var first = OpenTailer(path))
        {
            identity = first.Identity;
        }

        using var tailer = OpenTailer(path, saved: new FilePosition(path, identity, 8));
        Assert.Equal(["three"], Texts(ReadAll(tailer)));
    }

    [Fact]
    public void Open_ReadsFromZero_WhenTheSavedPositionIsOfAnotherFile_OrPastTheEnd()
    {
        var path = _dir.File("app.log");
        File.WriteAllText(path, "one\ntwo\n");
        FileIdentity identity;
        using (var first = OpenTailer(path))
        {
            identity = first.Identity;
        }

        using var other = OpenTailer(path, saved: new FilePosition(path, new FileIdentity(identity.Device, identity.Inode + 1), 4));
        Assert.Equal(["one", "two"], Texts(ReadAll(other)));

        using var truncated = OpenTailer(path, saved: new FilePosition(path, identity, 100));
        Assert.Equal(["one", "two"], Texts(ReadAll(truncated)));
    }

    [Fact]
    public void Open_AtEnd_SkipsWhatIsThere()
    {
        var path = _dir.File("app.log");
        using var writer = OpenWriter(path);
        Write(writer, "old\n");
        using var tailer = OpenTailer(path, startAtEnd: true);

        Assert.Empty(ReadAll(tailer));
        Write(writer, "new\n");
        Assert.Equal(["new"], Texts(ReadAll(tailer)));
    }

    [Fact]
    public void RenameAndCreate_OldFileIsReadToItsEnd_ThenTheNewFileFromZero()
    {
        var path = _dir.File("app.log");
        var oldWriter = OpenWriter(path);
        Write(oldWriter, "a\nb\n");
        using var tailer = OpenTailer(path);
        Assert.Equal(["a", "b"], Texts(ReadAll(tailer)));
        var oldIdentity = tailer.Identity;

        // logrotate renames; the application writes its last lines (one unfinished) to the old file, then reopens.
        File.Move(path, path + ".1");
        Write(oldWriter, "c\nunfinished");
        oldWriter.Dispose();
        using var newWriter = OpenWriter(path);
        Write(newWriter, "n1\nn2\n");

        Assert.Equal(TailChange.Rotated, tailer.Poll());
        var records = ReadAll(tailer);
        Assert.Equal(["c", "unfinished", "n1", "n2"], Texts(records));
        Assert.Equal([oldIdentity, oldIdentity], records.Take(2).Select(r => r.Identity));
        Assert.NotEqual(oldIdentity, tailer.Identity);
        Assert.Equal([tailer.Identity, tailer.Identity], records.Skip(2).Select(r => r.Identity));
        Assert.Equal([3L, 6L], records.Skip(2).Select(r => r.EndOffset));

        Assert.Equal(TailChange.None, tailer.Poll());
        Write(newWriter, "n3\n");
        Assert.Equal(["n3"], Texts(ReadAll(tailer)));
    }

    [Fact]
    public void RenameThenCreateLater_OldFileIsReadWhileThePathIsGone()
    {
        var path = _dir.File("app.log");
        var oldWriter = OpenWriter(path);
        Write(oldWriter, "a\n");
        using var tailer = OpenTailer(path);
        Assert.Equal(["a"], Texts(ReadAll(tailer)));

        File.Move(path, path + ".1");
        Write(oldWriter, "b\n");
        Assert.Equal(TailChange.None, tailer.Poll());
        Assert.True(tailer.IsGone);
        Assert.Equal(["b"], Texts(ReadAll(tailer)));

        Write(oldWriter, "c\n");
        oldWriter.Dispose();
        File.WriteAllText(path, "new\n");
        Assert.Equal(TailChange.Rotated, tailer.Poll());
        Assert.False(tailer.IsGone);
        Assert.Equal(["c", "new"], Texts(ReadAll(tailer)));
    }

    [Fact]
    public void RenameAndCreate_PendingMultilineRecordOfTheOldFileIsCompletedFirst()
    {
        var path = _dir.File("app.log");
        var oldWriter = OpenWriter(path);
        Write(oldWriter, "2026-01-01 first\n  at a\n");
        using var tailer = OpenTailer(path, MultilineOptions.Create(@"^\d{4}-"));
        Assert.Empty(ReadAll(tailer));
        var oldIdentity = tailer.Identity;

        File.Move(path, path + ".1");
        Write(oldWriter, "  at b");
        oldWriter.Dispose();
        File.WriteAllText(path, "2026-01-02 second\n  at c\n2026-01-03 third\n");

        Assert.Equal(TailChange.Rotated, tailer.Poll());
        var records = ReadAll(tailer);
        Assert.Equal(["2026-01-01 first\n  at a\n  at b", "2026-01-02 second\n  at c"], Texts(records));
        Assert.Equal(oldIdentity, records[0].Identity);
        Assert.Equal(30, records[0].EndOffset);
        Assert.NotEqual(oldIdentity, records[1].Identity);
        Assert.True(tailer.TryFlushPending(out var third));
        Assert.Equal("2026-01-03 third", third.Text);
    }

    [Fact]
    public void CopyTruncate_ShorterFileIsReadAgainFromZero()
    {
        var path = _dir.File("app.log");
        using var writer = OpenWriter(path);
        Write(writer, "line 1\nline 2\nline 3\npartial");
        using var tailer = OpenTailer(path);
        Assert.Equal(["line 1", "line 2", "line 3"], Texts(ReadAll(tailer)));

        // logrotate copytruncate: copy away, then truncate in place; the writer (O_APPEND) continues at 0.
        File.Copy(path, path + ".1");
        writer.SetLength(0);
        Write(writer, "after 1\n");

        Assert.Equal(TailChange.Truncated, tailer.Poll());
        var records = ReadAll(tailer);
        Assert.Equal(["after 1"], Texts(records));
        Assert.Equal(8, records[0].EndOffset);
        Assert.Equal(TailChange.None, tailer.Poll());
        Write(writer, "after 2\n");
        Assert.Equal(["after 2"], Texts(ReadAll(tailer)));
    }

    [Fact]
    public void CopyTruncate_ToEmpty_IsNoticedBeforeTheFileGrowsAgain()
    {
        var path = _dir.File("app.log");
        using var writer = OpenWriter(path);
        Write(writer, "line 1\n");
        using var tailer = OpenTailer(path);
        Assert.Single(ReadAll(tailer));

        writer.SetLength(0);
        Assert.Equal(TailChange.Truncated, tailer.Poll());
        Assert.Empty(ReadAll(tailer));
        Write(writer, "line 2 is longer\n");
        Assert.Equal(TailChange.None, tailer.Poll());
        Assert.Equal(["line 2 is longer"], Texts(ReadAll(tailer)));
    }

    [Fact]
    public void CopyTruncate_PendingMultilineRecordOfTheOldContentIsCompleted_NotJoinedWithTheNewLines()
    {
        var path = _dir.File("app.log");
        using var writer = OpenWriter(path);
        Write(writer, "2026-01-01 old record\n  at old\n");
        using var tailer = OpenTailer(path, MultilineOptions.Create(@"^\d{4}-"));
        Assert.Empty(ReadAll(tailer));

        writer.SetLength(0);
        Write(writer, "  at new\n");
        Assert.Equal(TailChange.Truncated, tailer.Poll());
        var records = ReadAll(tailer);
        Assert.Equal(["2026-01-01 old record\n  at old"], Texts(records));
        Assert.Equal(31, records[0].EndOffset);
        Assert.True(tailer.TryFlushPending(out var rest));
        Assert.Equal(("  at new", 9L), (rest.Text, rest.EndOffset));
    }

    [Fact]
    public void Multiline_PendingRecordIsFlushedAfterMaxWaitTime()
    {
        var path = _dir.File("app.log");
        File.WriteAllText(path, "2026-01-01 boom\n  at A\n  at B\n");
        using var tailer = OpenTailer(path, MultilineOptions.Create(@"^\d{4}-", TimeSpan.FromSeconds(3)));

        Assert.Empty(ReadAll(tailer));
        _time.Advance(TimeSpan.FromSeconds(2.5));
        Assert.Empty(ReadAll(tailer));
        _time.Advance(TimeSpan.FromSeconds(0.5));
        var records = ReadAll(tailer);
        Assert.Equal(["2026-01-01 boom\n  at A\n  at B"], Texts(records));
        Assert.Equal(3, records[0].Lines);
        Assert.Equal(30, records[0].EndOffset);
    }

    [Fact]
    public void Multiline_RecordEndOffsetIsAfterItsLastLine()
    {
        var path = _dir.File("app.log");
        File.WriteAllText(path, "2026-01-01 a\n  x\n2026-01-02 b\n");
        using var tailer = OpenTailer(path, MultilineOptions.Create(@"^\d{4}-"));

        var records = ReadAll(tailer);
        Assert.Equal(["2026-01-01 a\n  x"], Texts(records));
        Assert.Equal(17, records[0].EndOffset);
        Assert.Equal(30, tailer.Offset);
    }

    [Fact]
    public void LongLine_IsTruncatedAndCounted()
    {
        var path = _dir.File("app.log");
        File.WriteAllText(path, new string('z', 5000) + "\nshort\n");
        using var tailer = OpenTailer(path);

        var records = ReadAll(tailer);
        Assert.Equal([new string('z', 1024), "short"], Texts(records));
        Assert.True(records[0].Truncated);
        Assert.Equal(1, tailer.TruncatedLines);
    }

    [Fact]
    public void DeletedFile_IsGone()
    {
        var path = _dir.File("app.log");
        File.WriteAllText(path, "x\n");
        using var tailer = OpenTailer(path);
        Assert.Single(ReadAll(tailer));

        File.Delete(path);
        Assert.Equal(TailChange.None, tailer.Poll());
        Assert.True(tailer.IsGone);
        Assert.Empty(ReadAll(tailer));
    }
}
