using Loggia.Ingest.Files;

namespace Loggia.Ingest.Tests.Files;

public sealed class MultilineAssemblerTests
{
    private const string FirstLine = @"^\d{4}-\d{2}-\d{2}";

    [Fact]
    public void LineMatchingFirstLine_CompletesThePreviousRecord_OthersAreAppended()
    {
        var assembler = new MultilineAssembler(MultilineOptions.Create(FirstLine));
        Assert.False(assembler.Add("2026-01-01 boom", 16, false, 0, out _));
        Assert.False(assembler.Add("  at A.B()", 27, false, 0, out _));
        Assert.False(assembler.Add("  at C.D()", 38, false, 0, out _));

        Assert.True(assembler.Add("2026-01-01 next", 54, false, 0, out var record));
        Assert.Equal(new AssembledRecord("2026-01-01 boom\n  at A.B()\n  at C.D()", 38, 3, false), record);
        Assert.True(assembler.HasPending);

        Assert.True(assembler.TryFlush(out var last));
        Assert.Equal(new AssembledRecord("2026-01-01 next", 54, 1, false), last);
        Assert.False(assembler.HasPending);
        Assert.False(assembler.TryFlush(out _));
    }

    [Fact]
    public void LeadingLinesThatDoNotMatch_StartARecord_NothingIsDropped()
    {
        var assembler = new MultilineAssembler(MultilineOptions.Create(FirstLine));
        Assert.False(assembler.Add("orphan 1", 9, false, 0, out _));
        Assert.False(assembler.Add("orphan 2", 18, false, 0, out _));

        Assert.True(assembler.Add("2026-01-01 first", 35, false, 0, out var record));
        Assert.Equal(new AssembledRecord("orphan 1\norphan 2", 18, 2, false), record);
    }

    [Fact]
    public void MaxLines_CompletesTheRecord_TheNextLineStartsAnother()
    {
        var assembler = new MultilineAssembler(MultilineOptions.Create(FirstLine, maxLines: 3));
        Assert.False(assembler.Add("2026-01-01 a", 1, false, 0, out _));
        Assert.False(assembler.Add("b", 2, false, 0, out _));

        Assert.True(assembler.Add("c", 3, false, 0, out var full));
        Assert.Equal(new AssembledRecord("2026-01-01 a\nb\nc", 3, 3, false), full);
        Assert.False(assembler.HasPending);

        Assert.False(assembler.Add("d", 4, false, 0, out _));
        Assert.True(assembler.Add("2026-01-02 e", 5, false, 0, out var rest));
        Assert.Equal(new AssembledRecord("d", 4, 1, false), rest);
    }

    [Fact]
    public void MaxLinesOfOne_MakesEveryLineARecord()
    {
        var assembler = new MultilineAssembler(MultilineOptions.Create(FirstLine, maxLines: 1));
        Assert.True(assembler.Add("2026-01-01 a", 1, false, 0, out var first));
        Assert.True(assembler.Add("  b", 2, false, 0, out var second));
        Assert.True(assembler.Add("2026-01-01 c", 3, false, 0, out var third));
        Assert.Equal(["2026-01-01 a", "  b", "2026-01-01 c"], [first.Text, second.Text, third.Text]);
        Assert.False(assembler.HasPending);
    }

    [Fact]
    public void MaxWaitTime_IsCountedFromTheLastLine()
    {
        var time = new ManualTimeProvider();
        var assembler = new MultilineAssembler(MultilineOptions.Create(FirstLine, maxWaitTime: TimeSpan.FromSeconds(3)));
        Assert.False(assembler.IsDue(time.GetTimestamp(), time));

        assembler.Add("2026-01-01 a", 1, false, time.GetTimestamp(), out _);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(assembler.IsDue(time.GetTimestamp(), time));

        assembler.Add("  b", 2, false, time.GetTimestamp(), out _);
        time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.False(assembler.IsDue(time.GetTimestamp(), time));

        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(assembler.IsDue(time.GetTimestamp(), time));
        Assert.True(assembler.TryFlush(out var record));
        Assert.Equal("2026-01-01 a\n  b", record.Text);
        Assert.False(assembler.IsDue(time.GetTimestamp(), time));
    }

    [Fact]
    public void TruncatedLine_MarksItsRecordOnly()
    {
        var assembler = new MultilineAssembler(MultilineOptions.Create(FirstLine));
        assembler.Add("2026-01-01 a", 1, false, 0, out _);
        assembler.Add("cut", 2, true, 0, out _);
        Assert.True(assembler.Add("2026-01-01 b", 3, false, 0, out var marked));
        Assert.True(marked.Truncated);

        Assert.True(assembler.Add("2026-01-01 c", 4, false, 0, out var clean));
        Assert.False(clean.Truncated);
    }
}
