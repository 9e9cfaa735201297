using System.Text;
using Loggia.Core.Model;
using Loggia.Query.Execution;
using Loggia.Query.Sources;
using Loggia.Storage.Blocks;

namespace Loggia.Query.Tests.Sources;

/// <summary>A block source over a damaged or missing block yields nothing and reports it, when the query collects.</summary>
public sealed class UnreadableBlocksTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("loggia-unreadable-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static LogScanRequest Request() => new(TenantId.Fake, StreamMatcher.All, 0, long.MaxValue, QueryDirection.Forward);

    private string WriteBlock()
    {
        List<BlockEntry> entries = [new(1_000, Encoding.UTF8.GetBytes("hello"), EntryMetadata.From(null)), new(2_000, Encoding.UTF8.GetBytes("world"), EntryMetadata.From(null))];
        var block = BlockWriter.Write(_directory, "fake", [new BlockStreamInput(1, "{app=\"a\"}", [new("app", "a")], entries)], new BlockWriterOptions());
        return Path.Combine(_directory, block.RelativePath);
    }

    [Fact]
    public void MissingBlock_WithACollector_YieldsNoStreams_AndIsReportedWithItsRange()
    {
        var path = Path.Combine(_directory, "0000000000000001-00000000.parquet");
        var seen = new List<UnreadableBlock>();
        var unreadable = new UnreadableBlocks(seen.Add);
        var source = new BlockLogSource(path, minTimeNanos: 1_000, maxTimeNanos: 2_000, unreadable: unreadable);

        Assert.Empty(source.OpenStreams(Request(), CancellationToken.None));
        Assert.Empty(source.OpenStreams(Request(), CancellationToken.None)); // scanned twice, reported once

        var block = Assert.Single(seen);
        Assert.Equal("0000000000000001-00000000", block.BlockId);
        Assert.Equal("block index is missing", block.Reason); // the sidecar is read first
        var warning = Assert.Single(unreadable.Warnings);
        Assert.Contains("0000000000000001-00000000", warning, StringComparison.Ordinal);
        Assert.Contains("1970-01-01T00:00:00.000001Z to 1970-01-01T00:00:00.000002Z", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void DamagedBlock_WithoutACollector_StillThrows()
    {
        var path = WriteBlock();
        File.WriteAllBytes(path, [1, 2, 3]);
        var source = new BlockLogSource(path);
        Assert.Throws<BlockCorruptException>(() => source.OpenStreams(Request(), CancellationToken.None));
    }

    [Fact]
    public void HealthyBlock_IsReadAndNothingIsReported()
    {
        var unreadable = new UnreadableBlocks();
        var cursors = new BlockLogSource(WriteBlock(), unreadable: unreadable).OpenStreams(Request(), CancellationToken.None);
        Assert.Single(cursors);
        Assert.Empty(unreadable.Blocks);
        Assert.Empty(unreadable.Warnings);
    }
}
