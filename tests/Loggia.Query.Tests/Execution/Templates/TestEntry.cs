using System.Text;
using Loggia.Query.Execution.Templates;

namespace Loggia.Query.Tests.Execution.Templates;

/// <summary>A log entry for template tests: a few labels, a line and a fixed timestamp.</summary>
internal sealed class TestEntry : ITemplateContext
{
    /// <summary>2023-01-15T16:08:09.902Z, the example instant of Loki's unixToTime docs.</summary>
    public const long DefaultTimestamp = 1673798889902000000;

    private readonly byte[] _line;

    public TestEntry(string line = "the line", long timestamp = DefaultTimestamp, params (string Name, string Value)[] labels)
    {
        _line = Encoding.UTF8.GetBytes(line);
        TimestampNanos = timestamp;
        foreach (var (name, value) in labels)
        {
            Labels[name] = value;
        }
    }

    public Dictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);

    public ReadOnlySpan<byte> Line => _line;

    public long TimestampNanos { get; }

    public bool TryGetValue(string name, out string value) => Labels.TryGetValue(name, out value!);

    public void CopyLabelsTo(List<KeyValuePair<string, string>> destination) => destination.AddRange(Labels);

    /// <summary>Labels used by most tests.</summary>
    public static TestEntry Default() => new(
        "GET /api/users 200 12ms",
        DefaultTimestamp,
        ("app", "api"),
        ("method", "GET"),
        ("path", "/api/users list"),
        ("status", "200"),
        ("empty", ""),
        ("spaced", "  padded  "),
        ("json", "{\"a\":{\"b\":\"deep\"},\"n\":1.5,\"list\":[1,\"two\",true],\"nil\":null}"));

    public static string Run(string template, ITemplateContext? entry = null, string name = "line")
    {
        var sb = new StringBuilder();
        GoTemplate.Parse(template, name).Execute(entry ?? Default(), sb);
        return sb.ToString();
    }

    public static string RunError(string template, ITemplateContext? entry = null, string name = "line")
    {
        var parsed = GoTemplate.Parse(template, name);
        var ex = Assert.Throws<TemplateException>(() => parsed.Execute(entry ?? Default(), new StringBuilder()));
        return ex.Message;
    }

    public static string ParseError(string template, string name = "line") =>
        Assert.Throws<TemplateException>(() => GoTemplate.Parse(template, name)).Message;
}
