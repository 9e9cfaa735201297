using Loggia.Query.Patterns;

namespace Loggia.Query.Tests.Patterns;

public sealed class DrainMinerTests
{
    private static List<MinedPattern> Mine(IEnumerable<string> lines, DrainOptions? options = null)
    {
        var miner = new DrainMiner(options);
        foreach (var line in lines)
        {
            miner.Train(line, 0);
        }

        return miner.Patterns();
    }

    [Fact]
    public void Hdfs_MinesLoghubsTemplates_WithTheirExactLineCounts()
    {
        var patterns = Mine(LoghubData.Lines("HDFS"));

        Assert.Equal(
            [
                ("<_> <_> <_> INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: <_> is added to <_> size <_>", 314L),
                ("<_> <_> <_> INFO dfs.DataNode$PacketResponder: PacketResponder <_> for block <_> terminating", 311L),
                ("<_> <_> <_> INFO dfs.DataNode$DataXceiver: Receiving block <_> src: <_> dest: <_>", 292L),
                ("<_> <_> <_> INFO dfs.DataNode$PacketResponder: Received block <_> of size <_> from <_>", 292L),
                ("<_> <_> <_> INFO dfs.FSDataset: Deleting block <_> file <_>", 263L),
                ("<_> <_> <_> INFO dfs.FSNamesystem: BLOCK* NameSystem.delete: <_> is added to invalidSet of <_>", 224L),
                ("<_> <_> <_> INFO dfs.FSNamesystem: BLOCK* NameSystem.allocateBlock: <_> <_>", 115L),
                ("<_> <_> <_> INFO dfs.DataNode$DataXceiver: <_> Served block <_> to <_>", 80L),
                ("<_> <_> <_> WARN dfs.DataNode$DataXceiver: <_> exception while serving <_> to <_>", 80L),
                ("<_> <_> 13 INFO dfs.DataBlockScanner: Verification succeeded for <_>", 20L),
            ],
            patterns.Take(10).Select(p => (p.Pattern, p.Count)));

        // Each of those counts is exactly the number of lines of one Loghub event: no event was split or mixed.
        var truth = LoghubData.EventIds("HDFS").GroupBy(e => e).Select(g => (long)g.Count()).Where(c => c >= 20).OrderDescending();
        Assert.Equal(truth, patterns.Take(10).Select(p => p.Count));
        Assert.Equal(2000, patterns.Sum(p => p.Count));
    }

    [Fact]
    public void Apache_EveryFrequentLoghubEvent_IsOnePatternWithItsLineCount()
    {
        var patterns = Mine(LoghubData.Lines("Apache"));
        var counts = patterns.Select(p => p.Count).ToList();
        foreach (var group in LoghubData.EventIds("Apache").GroupBy(e => e).Where(g => g.Count() >= 20))
        {
            Assert.True(counts.Remove(group.Count()), $"event {group.Key} ({group.Count()} lines) has no pattern of that size: {string.Join(" | ", patterns.Take(10).Select(p => $"{p.Count} {p.Pattern}"))}");
        }

        Assert.Equal("<_> Dec <_> <_> 2005] [notice] jk2_init() Found child <_> in scoreboard slot <_>", patterns[0].Pattern);
    }

    [Fact]
    public void KeyValueTokens_KeepTheirKeyBeforeThePlaceholder()
    {
        var patterns = Mine(
        [
            "ts=2024-03-30T23:03:40 caller=grpc_logging.go:66 level=info method=/cortex.Ingester/Push duration=200ms msg=gRPC",
            "ts=2024-03-30T23:03:41 caller=grpc_logging.go:66 level=info method=/cortex.Ingester/Push duration=500ms msg=gRPC",
        ]);

        Assert.Equal("ts=<_> caller=grpc_logging.go:66 level=info method=/cortex.Ingester/Push duration=<_> msg=gRPC", Assert.Single(patterns).Pattern);
    }

    [Fact]
    public void Samples_CountLinesPerBucket_InBucketOrder()
    {
        var miner = new DrainMiner();
        miner.Train("user alice logged in from 10.0.0.1", 20);
        miner.Train("user bob logged in from 10.0.0.2", 10);
        miner.Train("user carol logged in from 10.0.0.3", 20);
        miner.Train("disk full on /dev/sda1", 10);

        var patterns = miner.Patterns();
        Assert.Equal(2, patterns.Count);
        Assert.Equal("user <_> logged in from <_>", patterns[0].Pattern);
        Assert.Equal([(10L, 1L), (20L, 2L)], patterns[0].Samples);
        Assert.Equal([(10L, 1L)], patterns[1].Samples);
    }

    [Fact]
    public void Clusters_AreBounded_ForgettingTheLeastRecentlyMatched()
    {
        var miner = new DrainMiner(new DrainOptions { MaxClusters = 5 });
        for (var i = 0; i < 200; i++)
        {
            // Lines of different lengths never share a cluster.
            miner.Train(string.Join(' ', Enumerable.Repeat("word", 1 + (i % 50))), 0);
            Assert.True(miner.ClusterCount <= 5);
        }

        miner.Train("word", 0);
        Assert.Contains(miner.Patterns(), p => p.Pattern == "word");
        Assert.Equal(5, miner.Patterns().Count);
    }
}
