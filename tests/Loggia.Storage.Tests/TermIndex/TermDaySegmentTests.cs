using Loggia.Storage.TermIndex;
using Loggia.Storage.Tests.Catalog;

namespace Loggia.Storage.Tests.TermIndex;

/// <summary>The tenant-day segment file on its own: many chunks, exact lookups, sums across blocks, damage detected.</summary>
public sealed class TermDaySegmentTests : IDisposable
{
    private const long Day = 20_000;
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void ManyChunks_LookupReturnsEachHashsHoursAndSummedCounts_AndNothingForAbsentHashes()
    {
        // Block a: 5000 hashes in hour 3 (the i-th with i + 1 lines); block b: every third of them in hours 3 and 7; c unreadable.
        var first = TermHours.FirstHourOf(Day);
        var hashes = Enumerable.Range(1, 5000).Select(i => (ulong)i * 0x9E3779B97F4A7C15UL).Order().ToArray();
        var a = new BlockTerms([new BlockTermsHour(first + 3, hashes, [.. hashes.Select((_, i) => (uint)(i + 1))])]);
        var third = hashes.Where((_, i) => i % 3 == 0).ToArray();
        var b = new BlockTerms([
            new BlockTermsHour(first + 3, third, [.. third.Select(_ => 10u)]),
            new BlockTermsHour(first + 7, third, [.. third.Select(_ => 2u)]),
            new BlockTermsHour(first + 30, third, [.. third.Select(_ => 99u)]), // the next day: not in this segment
        ]);
        var path = _directory.File("seg.tix");
        TermDaySegment.Write(path, Day, [new("a", a), new("b", b), new("c", null)]);

        using var segment = TermDaySegment.Open(path);
        Assert.Equal(new Dictionary<string, uint> { ["a"] = 1u << 3, ["b"] = (1u << 3) | (1u << 7), ["c"] = 0 }, segment.Blocks);
        Assert.Equal(["c"], segment.Unindexed);
        ulong[] asked = [hashes[0], hashes[1], hashes[4999], hashes[2500], 42, ulong.MaxValue];
        var found = segment.Lookup(asked);
        Assert.Equal((1u << 3) | (1u << 7), found[0].Mask);
        Assert.Equal(1u + 10, found[0].Lines[3]);
        Assert.Equal(2u, found[0].Lines[7]);
        Assert.Equal(1u << 3, found[1].Mask);
        Assert.Equal(2u, found[1].Lines[3]);
        Assert.Equal(5000u, found[2].Lines[3]); // index 4999 is not a multiple of 3: block a only
        Assert.Equal(2501u, found[3].Lines[3]);
        Assert.Equal(0u, found[4].Mask);
        Assert.Equal(0u, found[5].Mask);
        Assert.All(found[4].Lines, l => Assert.Equal(0u, l));
    }

    [Fact]
    public void DamagedChunk_FooterOrTrailer_IsDetected()
    {
        var first = TermHours.FirstHourOf(Day);
        var hashes = Enumerable.Range(1, 3000).Select(i => (ulong)i << 20).ToArray();
        var path = _directory.File("seg.tix");
        TermDaySegment.Write(path, Day, [new("a", new BlockTerms([new BlockTermsHour(first, hashes, [.. hashes.Select(_ => 1u)])]))]);
        var good = File.ReadAllBytes(path);

        var chunk = (byte[])good.Clone();
        chunk[100] ^= 1;
        File.WriteAllBytes(path, chunk);
        using (var segment = TermDaySegment.Open(path))
        {
            Assert.Throws<InvalidDataException>(() => segment.Lookup([hashes[1]]));
            Assert.Equal(1u, segment.Lookup([hashes[2999]])[0].Mask); // other chunks still answer
        }

        var footer = (byte[])good.Clone();
        footer[^16] ^= 1;
        File.WriteAllBytes(path, footer);
        Assert.Null(TermDaySegment.TryOpen(path));
        File.WriteAllBytes(path, good[..^3]);
        Assert.Null(TermDaySegment.TryOpen(path));
        Assert.Null(TermDaySegment.TryOpen(_directory.File("missing.tix")));
    }
}
