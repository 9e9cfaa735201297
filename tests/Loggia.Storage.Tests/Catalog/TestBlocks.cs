using Loggia.Storage.Catalog;

namespace Loggia.Storage.Tests.Catalog;

/// <summary>Builds valid blocks with the layout the block writer uses.</summary>
internal static class TestBlocks
{
    public static readonly DateTimeOffset CreatedAt = new(2025, 1, 31, 13, 5, 7, TimeSpan.Zero);

    public static BlockInfo Block(string id, long minTime, long maxTime, string tenant = "fake", int level = 0) =>
        new(
            Id: id,
            Tenant: tenant,
            Path: $"blocks/{tenant}/2025/01/31/13/{id}.parquet",
            MinTimeNanos: minTime,
            MaxTimeNanos: maxTime,
            Rows: 1000,
            Bytes: 65536,
            StreamCount: 12,
            Checksum: "00ff10ab",
            CreatedAt: CreatedAt,
            Level: level);
}
