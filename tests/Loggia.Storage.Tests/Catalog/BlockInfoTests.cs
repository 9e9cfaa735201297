using Loggia.Storage.Catalog;
using static Loggia.Storage.Tests.Catalog.TestBlocks;

namespace Loggia.Storage.Tests.Catalog;

public sealed class BlockInfoTests
{
    public static TheoryData<string, BlockInfo> InvalidBlocks()
    {
        var ok = Block("b1", 100, 200);
        return new TheoryData<string, BlockInfo>
        {
            { "min after max", ok with { MinTimeNanos = 201 } },
            { "empty id", ok with { Id = "" } },
            { "id with separator", ok with { Id = "a/b" } },
            { "empty tenant", ok with { Tenant = "" } },
            { "absolute path", ok with { Path = "/blocks/fake/b1.parquet" } },
            { "dot-dot segment", ok with { Path = "blocks/../../etc/b1.parquet" } },
            { "backslash", ok with { Path = "blocks\\fake\\b1.parquet" } },
            { "not parquet", ok with { Path = "blocks/fake/b1.csv" } },
            { "uppercase checksum", ok with { Checksum = "00FF" } },
            { "non-hex checksum", ok with { Checksum = "xyz" } },
            { "empty checksum", ok with { Checksum = "" } },
            { "negative rows", ok with { Rows = -1 } },
            { "negative level", ok with { Level = -1 } },
            { "created before 1677", ok with { CreatedAt = new DateTimeOffset(1600, 1, 1, 0, 0, 0, TimeSpan.Zero) } },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidBlocks))]
    public void Validate_RejectsMalformedBlocks(string why, BlockInfo block)
    {
        Assert.NotEmpty(why);
        Assert.ThrowsAny<ArgumentException>(block.Validate);
    }

    [Fact]
    public void Validate_AcceptsAWellFormedBlock()
    {
        Block("b1", 100, 200).Validate();
    }

    [Fact]
    public void IndexPath_IsTheSidecarBesideTheParquetFile()
    {
        Assert.Equal("blocks/fake/2025/01/31/13/b1.idx", Block("b1", 1, 2).IndexPath);
    }
}
