using System.Text.Json;
using Loggia.Core.Tokens;
using Loggia.Query.TermSearch;
using Loggia.Storage.TermIndex;

namespace Loggia.Query.Tests.TermSearch;

/// <summary>Terms parsed with the shared token definition, and per-hour counts folded into aligned buckets.</summary>
public sealed class TermHistogramTests
{
    private static readonly long Monday = TermHours.HourOf(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000);

    [Fact]
    public void Terms_AreSplitLikeLines_CaseInsensitive_AndNameValueIsAMetadataPair()
    {
        Assert.True(TermQuery.TryParse(" TXN-4f3a9 , refund,trace_id=abc,,", out var query, out var error), error);

        Assert.Equal(["TXN-4f3a9", "refund", "trace_id=abc"], query.Terms);
        Assert.Equal([Terms.HashTerm("txn"), Terms.HashTerm("4f3a9"), Terms.HashTerm("refund"), Terms.HashPair("trace_id", "abc")], query.Hashes);
        Assert.Equal([[0, 1], [2], [3]], query.TermHashes);
    }

    [Theory]
    [InlineData("", "terms: at least one term is required (terms=a,b)")]
    [InlineData(" , ", "terms: at least one term is required (terms=a,b)")]
    [InlineData("ok,--", "terms: '--' has no word to search for (numbers alone are not indexed; query for them instead)")]
    [InlineData("ok,404", "terms: '404' has no word to search for (numbers alone are not indexed; query for them instead)")]
    public void BadTerms_AreRejectedWithAClearMessage(string text, string expected)
    {
        Assert.False(TermQuery.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("1h", 1)]
    [InlineData("6h", 6)]
    [InlineData("1d", 24)]
    [InlineData("1w", 168)]
    public void Steps_AreWholeHours(string text, long hours)
    {
        Assert.True(TermHistogramStep.TryParse(text, out var step, out _));
        Assert.Equal(hours, step.Hours);
    }

    [Theory]
    [InlineData("30m")]
    [InlineData("0h")]
    [InlineData("soon")]
    public void OtherSteps_AreRejected(string text)
    {
        Assert.False(TermHistogramStep.TryParse(text, out _, out var error));
        Assert.StartsWith($"step: '{text}' is not a positive whole number of hours", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Buckets_AlignToUtcDaysAndMondays()
    {
        Assert.True(TermHistogramStep.TryParse("1d", out var day, out _));
        Assert.True(TermHistogramStep.TryParse("1w", out var week, out _));
        Assert.Equal(Monday + 24, day.BucketOf(Monday + 24 + 13));
        Assert.Equal(Monday, week.BucketOf(Monday + (6 * 24) + 23));
        Assert.Equal(Monday + (7 * 24), week.BucketOf(Monday + (7 * 24)));
        Assert.Equal(Monday - (7 * 24), week.BucketOf(Monday - 1));
    }

    [Fact]
    public void Buckets_CountHoursWithEveryTerm_TheMinimumAsUpperBound_AndPerTermLines()
    {
        Assert.True(TermQuery.TryParse("txn-4f3a9,refund", out var query, out _));
        // Hashes: txn, 4f3a9, refund. Hour 1: all; hour 2: txn-4f3a9 only; hour 30: all, one block unreadable.
        HourTermCounts[] hours =
        [
            new(Monday + 1, [5, 3, 2], true),
            new(Monday + 2, [4, 4, 0], true),
            new(Monday + 30, [1, 1, 7], false),
        ];
        Assert.True(TermHistogramStep.TryParse("1d", out var step, out _));

        var buckets = TermHistogram.Build(query, hours, Monday, Monday + 71, step);

        Assert.Equal(3, buckets.Count);
        Assert.Equal(new TermHistogramBucket(Monday, 1, 2, [7, 2], true), buckets[0], new BucketComparer());
        Assert.Equal(new TermHistogramBucket(Monday + 24, 1, 1, [1, 7], false), buckets[1], new BucketComparer());
        Assert.Equal(new TermHistogramBucket(Monday + 48, 0, 0, [0, 0], true), buckets[2], new BucketComparer());
        Assert.Equal(3, TermHistogram.BucketCount(Monday, Monday + 71, step));
    }

    [Fact]
    public void Json_HasTermsStepAndBuckets_InUnixSeconds()
    {
        Assert.True(TermQuery.TryParse("refund", out var query, out _));
        Assert.True(TermHistogramStep.TryParse("1h", out var step, out _));
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            TermHistogramWriter.Write(writer, query, step, [new TermHistogramBucket(Monday, 1, 3, [3], true)]);
        }

        var json = JsonDocument.Parse(stream.ToArray()).RootElement;
        Assert.Equal("success", json.GetProperty("status").GetString());
        var data = json.GetProperty("data");
        Assert.Equal(3600, data.GetProperty("step").GetInt64());
        var bucket = Assert.Single(data.GetProperty("buckets").EnumerateArray().ToList());
        Assert.Equal(Monday * 3600, bucket.GetProperty("start").GetInt64());
        Assert.Equal(3, bucket.GetProperty("lines").GetInt64());
        Assert.Equal(3, bucket.GetProperty("terms")[0].GetInt64());
        Assert.True(bucket.GetProperty("complete").GetBoolean());
    }

    private sealed class BucketComparer : IEqualityComparer<TermHistogramBucket>
    {
        public bool Equals(TermHistogramBucket? x, TermHistogramBucket? y) =>
            x is not null && y is not null && x.StartHour == y.StartHour && x.Hours == y.Hours && x.Lines == y.Lines && x.Complete == y.Complete && x.TermLines.SequenceEqual(y.TermLines);

        public int GetHashCode(TermHistogramBucket obj) => obj.StartHour.GetHashCode();
    }
}
