using Loggia.Query.Detection;

namespace Loggia.Query.Tests.Patterns;

public sealed class DetectedFieldTypeTests
{
    [Theory]
    [InlineData("42", "int")]
    [InlineData("-7", "int")]
    [InlineData("0", "int")]
    [InlineData("3.14", "float")]
    [InlineData("1e9", "float")]
    [InlineData("NaN", "float")]
    [InlineData("true", "boolean")]
    [InlineData("F", "boolean")]
    [InlineData("150ms", "duration")]
    [InlineData("1h2m3.5s", "duration")]
    [InlineData("2µs", "duration")]
    [InlineData("42 MB", "bytes")]
    [InlineData("1.5GiB", "bytes")]
    [InlineData("10kb", "bytes")]
    [InlineData("GET", "string")]
    [InlineData("10.0.0.1", "string")]
    [InlineData("", "string")]
    public void Of_InfersLokisTypes_InLokisOrder(string value, string expected) => Assert.Equal(expected, DetectedFieldType.Of(value));
}
