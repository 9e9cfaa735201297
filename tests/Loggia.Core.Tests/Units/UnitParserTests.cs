using Loggia.Core.Units;

namespace Loggia.Core.Tests.Units;

public sealed class UnitParserTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("500ms", 500)]
    [InlineData("168h", 604_800_000)]
    [InlineData("7d", 604_800_000)]
    [InlineData("2w", 1_209_600_000)]
    [InlineData("1y", 31_536_000_000)]
    [InlineData("-2s", -2000)]
    public void Durations_ParseAsLokiConfigurationDoes(string text, long milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5x")]
    [InlineData("m")]
    [InlineData("1h-5m")]
    [InlineData("99999999999999999999y")]
    public void InvalidDurations_AreRejected(string text) => Assert.False(DurationParser.TryParse(text, out _));

    [Theory]
    [InlineData("1h30m")]
    [InlineData("7d")]
    [InlineData("250ms")]
    [InlineData("1d2h3m4s5ms")]
    public void FormattedDurations_ParseBackToTheSameValue(string text)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.True(DurationParser.TryParse(DurationParser.Format(duration), out var again));
        Assert.Equal(duration, again);
    }

    [Theory]
    [InlineData("1024", 1024)]
    [InlineData("256KB", 256 * 1024)]
    [InlineData("256kb", 256 * 1024)]
    [InlineData("1MB", 1024 * 1024)]
    [InlineData("4MiB", 4 * 1024 * 1024)]
    [InlineData("1.5GB", 1_610_612_736)]
    [InlineData("2 KiB", 2048)]
    [InlineData("10B", 10)]
    public void ByteSizes_ParseWithBinaryUnits_AsLokiDoes(string text, long bytes)
    {
        Assert.True(ByteSizeParser.TryParse(text, out var value));
        Assert.Equal(bytes, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("KB")]
    [InlineData("12 parsecs")]
    [InlineData("-5MB")]
    [InlineData("99999999999TB")]
    public void InvalidByteSizes_AreRejected(string text) => Assert.False(ByteSizeParser.TryParse(text, out _));
}
