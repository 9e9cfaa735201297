using Loggia.Server.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Loggia.Server.Tests.Http;

public sealed class LokiQueryParametersTests
{
    private const long Now = 1_763_800_000_000_000_000;

    private static QueryCollection Form(params (string Key, string Value)[] pairs) =>
        new(pairs.ToDictionary(p => p.Key, p => new StringValues(p.Value)));

    [Theory]
    [InlineData("1763800000", 1_763_800_000_000_000_000)]
    [InlineData("1763800000.5", 1_763_800_000_500_000_000)]
    [InlineData("1763800000.1234567", 1_763_800_000_123_000_000)]
    [InlineData("1763800000123456789", 1_763_800_000_123_456_789)]
    [InlineData("2025-11-22T08:26:40Z", 1_763_800_000_000_000_000)]
    [InlineData("2025-11-22T08:26:40.123456789Z", 1_763_800_000_123_456_789)]
    [InlineData("2025-11-22T09:26:40+01:00", 1_763_800_000_000_000_000)]
    [InlineData("0", 0)]
    public void Timestamps_FollowLokisRules(string value, long expected)
    {
        Assert.True(LokiQueryParameters.TryParseTimestamp(value, 0, out var nanos, out var error), error);
        Assert.Equal(expected, nanos);
    }

    [Fact]
    public void InvalidTimestamp_GivesGosParseError()
    {
        Assert.False(LokiQueryParameters.TryParseTimestamp("yesterday", 0, out _, out var error));
        Assert.Equal("strconv.ParseInt: parsing \"yesterday\": invalid syntax", error);
    }

    [Fact]
    public void Defaults_AreLimit100_LastHour_Backward_And250PointSteps()
    {
        Assert.True(LokiQueryParameters.TryParseRange(Form(("query", "{a=\"b\"}")), Now, 5000, out var p, out var error), error);
        Assert.Equal(100, p.Limit);
        Assert.Equal(Now, p.EndNanos);
        Assert.Equal(Now - 3_600_000_000_000, p.StartNanos);
        Assert.False(p.Forward);
        Assert.Equal(TimeSpan.FromSeconds(14), p.Step); // floor(3600 / 250)
    }

    [Fact]
    public void Since_IsRelativeToEnd_AndStepAcceptsSecondsOrDurations()
    {
        Assert.True(LokiQueryParameters.TryParseRange(Form(("since", "5m"), ("step", "30s"), ("direction", "FORWARD")), Now, 5000, out var p, out _));
        Assert.Equal(Now - 300_000_000_000, p.StartNanos);
        Assert.Equal(TimeSpan.FromSeconds(30), p.Step);
        Assert.True(p.Forward);
        Assert.True(LokiQueryParameters.TryParseRange(Form(("step", "0.5")), Now, 5000, out p, out _));
        Assert.Equal(TimeSpan.FromMilliseconds(500), p.Step);
        Assert.Equal(TimeSpan.Zero, p.Interval);
        Assert.True(LokiQueryParameters.TryParseRange(Form(("interval", "15")), Now, 5000, out p, out _));
        Assert.Equal(TimeSpan.FromSeconds(15), p.Interval);
        Assert.True(LokiQueryParameters.TryParseRange(Form(("interval", "1m")), Now, 5000, out p, out _));
        Assert.Equal(TimeSpan.FromMinutes(1), p.Interval);
    }

    [Theory]
    [InlineData("limit", "0", "limit must be a positive value")]
    [InlineData("limit", "x", "strconv.Atoi: parsing \"x\": invalid syntax")]
    [InlineData("limit", "6000", "max entries limit per query exceeded, limit > max_entries_limit_per_query (6000 > 5000)")]
    [InlineData("direction", "sideways", "invalid direction 'sideways'")]
    [InlineData("step", "0", "zero or negative query resolution step widths are not accepted. Try a positive integer")]
    [InlineData("step", "1ms", "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")]
    [InlineData("step", "soon", "cannot parse \"soon\" to a valid duration")]
    [InlineData("start", "1763900000", "end timestamp must not be before or equal to start time")]
    [InlineData("interval", "-5", "interval must be >= 0")]
    [InlineData("interval", "often", "cannot parse \"often\" to a valid duration")]
    public void InvalidParameters_GetLokisMessages(string key, string value, string message)
    {
        Assert.False(LokiQueryParameters.TryParseRange(Form((key, value)), Now, 5000, out _, out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void InstantQuery_UsesTimeOrNow()
    {
        Assert.True(LokiQueryParameters.TryParseInstant(Form(("query", "count_over_time({a=\"b\"}[5m])"), ("time", "1763800000")), Now + 5, 5000, out var p, out _));
        Assert.True(p.IsInstant);
        Assert.Equal(1_763_800_000_000_000_000, p.EndNanos);
        Assert.True(LokiQueryParameters.TryParseInstant(Form(), Now, 5000, out p, out _));
        Assert.Equal(Now, p.EndNanos);
    }
}
