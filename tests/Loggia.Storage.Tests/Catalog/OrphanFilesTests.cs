using Loggia.Storage.Catalog;
using static Loggia.Storage.Tests.Catalog.TestBlocks;

namespace Loggia.Storage.Tests.Catalog;

public sealed class OrphanFilesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Find_ListsUncataloguedBlockFilesSidecarsAndTempFilesOnly()
    {
        var catalogued = Block("kept", 1, 2);
        Touch(catalogued.Path);
        Touch(catalogued.IndexPath);
        Touch("blocks/fake/2025/01/31/13/lost.parquet");
        Touch("blocks/fake/2025/01/31/13/lost.idx");
        Touch("blocks/fake/2025/01/31/13/kept.parquet.tmp");
        Touch("blocks/other/2025/01/31/14/.hidden.parquet.tmp");
        Touch("blocks/fake/README.txt"); // not ours to delete
        Touch("catalog.db"); // outside blocks/

        var orphans = OrphanFiles.Find(_dir.Path, [catalogued]);

        Assert.Equal(
            new[]
            {
                "blocks/fake/2025/01/31/13/kept.parquet.tmp",
                "blocks/fake/2025/01/31/13/lost.idx",
                "blocks/fake/2025/01/31/13/lost.parquet",
                "blocks/other/2025/01/31/14/.hidden.parquet.tmp",
            }.Select(Full),
            orphans);
    }

    [Fact]
    public void Find_CataloguedBlockInAnotherTenantsDirectory_IsMatchedByFullPath()
    {
        // Same file name, different partition: only the exact catalogued path is protected.
        var catalogued = Block("b1", 1, 2, tenant: "alpha");
        Touch(catalogued.Path);
        Touch("blocks/beta/2025/01/31/13/b1.parquet");

        var orphans = OrphanFiles.Find(_dir.Path, [catalogued]);

        Assert.Equal([Full("blocks/beta/2025/01/31/13/b1.parquet")], orphans);
    }

    [Fact]
    public void Find_NoBlocksDirectory_ReturnsNothing()
    {
        Assert.Empty(OrphanFiles.Find(_dir.Path, []));
    }

    [Fact]
    public void Find_WithModifiedBefore_SkipsFilesWrittenAfterTheCutoff()
    {
        Touch("blocks/fake/old.parquet");
        Touch("blocks/fake/new.parquet");
        var cutoff = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        File.SetLastWriteTimeUtc(Full("blocks/fake/old.parquet"), cutoff.UtcDateTime.AddMinutes(-1));
        File.SetLastWriteTimeUtc(Full("blocks/fake/new.parquet"), cutoff.UtcDateTime.AddMinutes(1));

        var orphans = OrphanFiles.Find(_dir.Path, [], modifiedBefore: cutoff);

        Assert.Equal([Full("blocks/fake/old.parquet")], orphans);
    }

    private string Full(string relative) => Path.Combine(_dir.Path, relative.Replace('/', Path.DirectorySeparatorChar));

    private void Touch(string relative)
    {
        var path = Full(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [1]);
    }
}
