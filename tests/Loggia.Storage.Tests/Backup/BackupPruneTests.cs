using Loggia.Storage.Backup;

namespace Loggia.Storage.Tests.Backup;

public sealed class BackupPruneTests : IDisposable
{
    private readonly string _backup = Directory.CreateTempSubdirectory("loggia-prune-").FullName;

    public void Dispose() => Directory.Delete(_backup, recursive: true);

    [Fact]
    public void Prune_KeepsTheNewestSnapshots_AndDeletesOnlyBlocksNoKeptSnapshotLists()
    {
        Snapshot("20260101T000000000Z", "a", "b");
        Snapshot("20260102T000000000Z", "b", "c");
        Snapshot("20260103T000000000Z", "c", "d");
        Directory.CreateDirectory(Path.Combine(_backup, "snapshots", ".20260104T000000000Z.partial"));

        Assert.Equal(1, BackupWriter.Prune(_backup, keep: 2));

        Assert.Equal(["20260102T000000000Z", "20260103T000000000Z"], BackupLayout.Snapshots(_backup));
        Assert.False(File.Exists(BlockFile("a", ".parquet")));
        Assert.False(File.Exists(BlockFile("a", ".idx")));
        foreach (var kept in new[] { "b", "c", "d" })
        {
            Assert.True(File.Exists(BlockFile(kept, ".parquet")), kept);
            Assert.True(File.Exists(BlockFile(kept, ".idx")), kept);
        }
    }

    [Fact]
    public void Manifest_RoundTrips_AndAForeignFileIsRefusedWithItsPath()
    {
        var manifest = new BackupManifest(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero), [new BackupBlock("blocks/t/x.parquet", 42, "0badf00d")], 3, 2);
        var path = Path.Combine(_backup, "manifest.json");
        File.WriteAllBytes(path, manifest.ToJson());
        var read = BackupManifest.Read(path);
        Assert.Equal(manifest.CreatedAt, read.CreatedAt);
        Assert.Equal(manifest.Blocks, read.Blocks);
        Assert.Equal((3, 2), (read.WalSegments, read.StateFiles));

        File.WriteAllText(path, "{\"not\": \"a manifest\"}");
        var error = Assert.Throws<InvalidDataException>(() => BackupManifest.Read(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    private void Snapshot(string name, params string[] blocks)
    {
        var directory = Path.Combine(_backup, "snapshots", name);
        Directory.CreateDirectory(directory);
        var listed = new List<BackupBlock>();
        foreach (var block in blocks)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(BlockFile(block, ".parquet"))!);
            File.WriteAllText(BlockFile(block, ".parquet"), block);
            File.WriteAllText(BlockFile(block, ".idx"), block);
            listed.Add(new BackupBlock($"blocks/t/{block}.parquet", 1, "00000000"));
        }

        File.WriteAllBytes(Path.Combine(directory, BackupLayout.ManifestFile), new BackupManifest(DateTimeOffset.UnixEpoch, listed, 0, 0).ToJson());
    }

    private string BlockFile(string block, string extension) => Path.Combine(_backup, "blocks", "t", block + extension);
}
