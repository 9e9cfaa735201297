using Loggia.Storage.TermIndex;
using Loggia.Storage.Tests.Catalog;

namespace Loggia.Storage.Tests.TermIndex;

/// <summary>
/// The tenant-day segment file on its own: many chunks, exact lookups, sums across blocks, single-line terms in the
/// filter with their false-positive rate measured, damage detected.
/// </summary>
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
        // Two lines each: records, not single-line pairs.
        TermDaySegment.Write(path, Day, [new("a", new BlockTerms([new BlockTermsHour(first, hashes, [.. hashes.Select(_ => 2u)])]))]);
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

    [Fact]
    public void SingleLineTerms_AreInTheFilter_FoundInTheirHour_WithAboutOnePercentFalseHours()
    {
        // 60,000 terms on one line of the day (term i in hour i % 24); "twice" on one line in hour 3 of each of two
        // blocks (two lines in that hour: an exact record) and "spread" on one line in hours 5 and 9 (two filter pairs).
        var first = TermHours.FirstHourOf(Day);
        var random = new Random(7);
        var singles = Enumerable.Range(0, 60_000).Select(_ => RandomHash(random)).Distinct().ToArray();
        ulong twice = 11, spread = 12;
        var hours = Enumerable.Range(0, TermHours.HoursPerDay).Select(h =>
        {
            var hashes = singles.Where((_, i) => i % TermHours.HoursPerDay == h).ToList();
            if (h is 3 or 5 or 9)
            {
                hashes.Add(h == 3 ? twice : spread);
            }

            hashes.Sort();
            return new BlockTermsHour(first + h, [.. hashes], [.. hashes.Select(_ => 1u)]);
        }).ToList();
        var other = new BlockTerms([new BlockTermsHour(first + 3, [twice], [1u])]);
        var path = _directory.File("seg.tix");
        TermDaySegment.Write(path, Day, [new("a", new BlockTerms(hours)), new("b", other)]);

        using var segment = TermDaySegment.Open(path);
        var found = segment.Lookup(singles);
        var falseHours = 0L;
        for (var i = 0; i < singles.Length; i++)
        {
            var hour = i % TermHours.HoursPerDay;
            Assert.True((found[i].Mask & (1u << hour)) != 0, $"term {i} lost its hour");
            Assert.Equal(1u, found[i].Lines[hour]);
            falseHours += System.Numerics.BitOperations.PopCount(found[i].Mask) - 1;
        }

        var absent = Enumerable.Range(0, 20_000).Select(_ => RandomHash(random)).Except(singles).ToArray();
        falseHours += segment.Lookup(absent).Sum(f => (long)System.Numerics.BitOperations.PopCount(f.Mask));
        var rate = falseHours / (double)((singles.Length * (TermHours.HoursPerDay - 1)) + (absent.Length * TermHours.HoursPerDay));
        Assert.InRange(rate, 0.002, 0.015);

        // "twice" keeps an exact count for hour 3; "spread" is in the filter for hours 5 and 9 (other hours may be false).
        var exact = segment.Lookup([twice, spread]);
        Assert.Equal((1u << 3, 2u), (exact[0].Mask & (1u << 3), exact[0].Lines[3]));
        Assert.Equal(((1u << 5) | (1u << 9), 1u, 1u), (exact[1].Mask & ((1u << 5) | (1u << 9)), exact[1].Lines[5], exact[1].Lines[9]));

        // The whole file is far smaller than exact records (12 bytes a term and 4 a count) would be.
        Assert.True(new FileInfo(path).Length < singles.Length * 2, $"{new FileInfo(path).Length} bytes");
    }

    [Fact]
    public void DamagedFilterPage_IsDetected_OtherPagesStillAnswer()
    {
        var first = TermHours.FirstHourOf(Day);
        var hashes = Enumerable.Range(1, 20_000).Select(i => (ulong)i * 0x9E3779B97F4A7C15UL).Order().ToArray();
        var path = _directory.File("seg.tix");
        TermDaySegment.Write(path, Day, [new("a", new BlockTerms([new BlockTermsHour(first + 1, hashes, [.. hashes.Select(_ => 1u)])]))]);

        // No records: the filter starts right after the 8-byte magic; damage its first page.
        var bytes = File.ReadAllBytes(path);
        bytes[8 + 100] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        using var segment = TermDaySegment.Open(path);
        var inFirstPage = hashes.First(h => (h >> 32) * 1.0 / (1UL << 32) < 0.01);
        var inLastPage = hashes.Last();
        Assert.Throws<InvalidDataException>(() => segment.Lookup([inFirstPage]));
        Assert.Equal(1u << 1, segment.Lookup([inLastPage])[0].Mask & (1u << 1));
    }

    /// <summary>A uniform 64-bit value, as term hashes (XXH64) are.</summary>
    private static ulong RandomHash(Random random) => ((ulong)(uint)random.Next() << 33) ^ ((ulong)(uint)random.Next() << 2) ^ (ulong)random.Next(4);
}
