using System.Text;

namespace Loggia.Bench.Ingest;

/// <summary>Real log lines per application from ../shared/data, replayed with fresh digits.</summary>
internal sealed class LogTemplates
{
    private readonly List<string[]> _lines;

    private LogTemplates(List<string> apps, List<string[]> lines)
    {
        Apps = apps;
        _lines = lines;
    }

    public IReadOnlyList<string> Apps { get; }

    public static LogTemplates Load()
    {
        var apps = new List<string>();
        var lines = new List<string[]>();
        foreach (var (app, file) in LogTable.Sources)
        {
            apps.Add(app);
            lines.Add(File.ReadAllLines(Path.Combine(DataFiles.SharedData, file)).Where(l => l.Length > 0).ToArray());
        }

        return new LogTemplates(apps, lines);
    }

    /// <summary>A line of <paramref name="app"/> with every digit replaced by a random one.</summary>
    public byte[] Fresh(int app, Random random, StringBuilder buffer) =>
        Encoding.UTF8.GetBytes(FreshDigits(_lines[app][random.Next(_lines[app].Length)], random, buffer));

    /// <summary><paramref name="template"/> with every ASCII digit replaced by a random digit.</summary>
    public static string FreshDigits(string template, Random random, StringBuilder buffer)
    {
        buffer.Clear();
        foreach (var c in template)
        {
            buffer.Append(char.IsAsciiDigit(c) ? (char)('0' + random.Next(10)) : c);
        }

        return buffer.ToString();
    }
}
