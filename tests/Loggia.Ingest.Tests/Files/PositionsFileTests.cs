using Loggia.Ingest.Files;

namespace Loggia.Ingest.Tests.Files;

public sealed class PositionsFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly FilePosition[] Sample =
    [
        new("/var/log/app.log", new FileIdentity(2049, 131_075), 4096),
        new("/var/log/with \"quotes\" and ünïcode.log", new FileIdentity(ulong.MaxValue, ulong.MaxValue - 1), long.MaxValue),
        new("/var/log/empty.log", new FileIdentity(1, 2), 0),
    ];

    [Fact]
    public void SaveThenLoad_RoundTripsEveryPosition()
    {
        var file = Path.Combine(_dir.Path, "positions.json");
        PositionsFile.Save(file, Sample);

        Assert.True(PositionsFile.TryLoad(file, out var loaded, out var error), error);
        Assert.Null(error);
        Assert.Equal(Sample.OrderBy(p => p.Path, StringComparer.Ordinal), loaded.Values.OrderBy(p => p.Path, StringComparer.Ordinal));
        Assert.Equal(Sample[0], loaded["/var/log/app.log"]);
    }

    [Fact]
    public void Save_ReplacesThePreviousFile_AndLeavesNoTemporaryFile()
    {
        var file = Path.Combine(_dir.Path, "positions.json");
        PositionsFile.Save(file, Sample);
        PositionsFile.Save(file, [Sample[0] with { Offset = 8192 }]);

        Assert.True(PositionsFile.TryLoad(file, out var loaded, out _));
        Assert.Equal([Sample[0] with { Offset = 8192 }], loaded.Values);
        Assert.Equal(["positions.json"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Save_CreatesTheDirectory()
    {
        var file = Path.Combine(_dir.Path, "a", "b", "positions.json");
        PositionsFile.Save(file, []);

        Assert.True(PositionsFile.TryLoad(file, out var loaded, out _));
        Assert.Empty(loaded);
    }

    [Fact]
    public void CrashDuringSave_LeavesTheOldFileReadable()
    {
        // A crash before the rename leaves a torn temporary file beside the intact old one.
        var file = Path.Combine(_dir.Path, "positions.json");
        PositionsFile.Save(file, Sample);
        File.WriteAllText(file + ".tmp", "{\"version\":1,\"positions\":[{\"path\":\"/x\",\"dev");

        Assert.True(PositionsFile.TryLoad(file, out var loaded, out _));
        Assert.Equal(3, loaded.Count);

        // The next save overwrites the leftover.
        PositionsFile.Save(file, [Sample[2]]);
        Assert.True(PositionsFile.TryLoad(file, out loaded, out _));
        Assert.Equal([Sample[2]], loaded.Values);
        Assert.False(File.Exists(file + ".tmp"));
    }

    [Fact]
    public void MissingFile_LoadsAsNoPositions()
    {
        Assert.True(PositionsFile.TryLoad(Path.Combine(_dir.Path, "none.json"), out var loaded, out var error));
        Assert.Empty(loaded);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"version\":2,\"positions\":[]}")]
    [InlineData("{\"version\":\"1\",\"positions\":[]}")]
    [InlineData("{\"version\":1}")]
    [InlineData("{\"version\":1,\"positions\":{}}")]
    [InlineData("{\"version\":1,\"positions\":[1]}")]
    [InlineData("{\"version\":1,\"positions\":[{\"path\":\"/a\",\"device\":1,\"inode\":2}]}")]
    [InlineData("{\"version\":1,\"positions\":[{\"path\":\"/a\",\"device\":1,\"inode\":2,\"offset\":-1}]}")]
    [InlineData("{\"version\":1,\"positions\":[{\"path\":\"\",\"device\":1,\"inode\":2,\"offset\":0}]}")]
    [InlineData("{\"version\":1,\"positions\":[{\"path\":null,\"device\":1,\"inode\":2,\"offset\":0}]}")]
    [InlineData("{\"version\":1,\"positions\":[{\"path\":7,\"device\":1,\"inode\":2,\"offset\":0}]}")]
    [InlineData("{\"version\":1,\"positions\":[{\"path\":\"/a\",\"device\":-1,\"inode\":2,\"offset\":0}]}")]
    [InlineData("{\"version\":1,\"positions\":[{\"path\":\"/a\",\"device\":1,\"inode\":2,\"offset\":\"12\"}]}")]
    [InlineData("{\"version\":1,\"positions\":[{\"path\":\"/a\",\"device\":1,\"inode\":2,\"offset\":1.5}]}")]
    [InlineData("{\"version\":1,\"positions\":[{\"path\":\"/a\",\"device\":1,\"inode\":2,\"offset\":99999999999999999999}]}")]
    public void CorruptFile_IsReportedWithAReason_AndYieldsNoPositions(string content)
    {
        var file = Path.Combine(_dir.Path, "positions.json");
        File.WriteAllText(file, content);

        Assert.False(PositionsFile.TryLoad(file, out var loaded, out var error));
        Assert.Empty(loaded);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void EveryTornPrefixOfAValidFile_IsCorruptNotPartial()
    {
        var file = Path.Combine(_dir.Path, "positions.json");
        PositionsFile.Save(file, Sample);
        var bytes = File.ReadAllBytes(file);
        for (var length = 0; length < bytes.Length; length++)
        {
            File.WriteAllBytes(file, bytes[..length]);
            var ok = PositionsFile.TryLoad(file, out var loaded, out _);
            // A prefix either fails to parse or (only when the cut falls in trailing whitespace) is the whole file.
            Assert.True(!ok || loaded.Count == Sample.Length, $"a prefix of {length} bytes loaded {loaded.Count} positions");
            Assert.True(ok || loaded.Count == 0);
        }
    }

    [Fact]
    public void RandomBytes_NeverThrow()
    {
        var random = new Random(3);
        var file = Path.Combine(_dir.Path, "positions.json");
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            File.WriteAllBytes(file, bytes);
            PositionsFile.TryLoad(file, out _, out _);
        }
    }
}
