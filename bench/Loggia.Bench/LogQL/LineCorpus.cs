using System.Text;
using System.Text.RegularExpressions;

namespace Loggia.Bench.LogQL;

/// <summary>
/// A pool of distinct log lines in one contiguous buffer, cycled by <see cref="CyclingLogSource"/> to make
/// ten million or more entries without ten million allocations. Three shapes: plain text (real lines from
/// ../shared/data with fresh digits), and JSON and logfmt access-log records built from the fields of the real
/// Apache access log (method, path, status, bytes, agent, client) plus a level and a duration.
/// </summary>
internal sealed partial class LineCorpus
{
    private readonly byte[] _bytes;
    private readonly int[] _offsets;

    private LineCorpus(byte[] bytes, int[] offsets)
    {
        _bytes = bytes;
        _offsets = offsets;
    }

    public int Count => _offsets.Length - 1;

    /// <summary>Average line length in bytes.</summary>
    public double AverageLength => (double)_offsets[^1] / Count;

    public ReadOnlyMemory<byte> Line(int index) => _bytes.AsMemory(_offsets[index], _offsets[index + 1] - _offsets[index]);

    public static LineCorpus Plain(int count, int seed = 7)
    {
        var random = new Random(seed);
        var templates = LogTable.Sources
            .Select(s => File.ReadAllLines(Path.Combine(DataFiles.SharedData, s.File)).Where(l => l.Length > 0).ToArray())
            .ToArray();
        var buffer = new StringBuilder(512);
        return Build(count, i =>
        {
            var app = templates[i % templates.Length];
            return Ingest.LogTemplates.FreshDigits(app[random.Next(app.Length)], random, buffer);
        });
    }

    public static LineCorpus Json(int count, int seed = 7) => AccessLog(count, seed, json: true);

    public static LineCorpus Logfmt(int count, int seed = 7) => AccessLog(count, seed, json: false);

    private static LineCorpus AccessLog(int count, int seed, bool json)
    {
        var random = new Random(seed);
        var records = File.ReadAllLines(Path.Combine(DataFiles.SharedData, "elastic-examples/apache_logs.log"))
            .Select(l => CombinedLog().Match(l))
            .Where(m => m.Success)
            .ToArray();
        var sb = new StringBuilder(512);
        var start = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        return Build(count, i =>
        {
            var m = records[random.Next(records.Length)];
            var status = int.Parse(m.Groups["status"].Value, System.Globalization.CultureInfo.InvariantCulture);
            var level = status >= 500 ? "error" : status >= 400 ? "warn" : random.Next(20) == 0 ? "debug" : "info";
            var ts = start.AddMilliseconds(i * 3.6).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
            var bytes = m.Groups["bytes"].Value == "-" ? "0" : m.Groups["bytes"].Value;
            var duration = $"{random.Next(1, 2000)}ms";
            var agent = m.Groups["agent"].Value.Replace("\"", "", StringComparison.Ordinal);
            if (agent.Length > 60)
            {
                agent = agent[..60];
            }
            var client = FreshLastOctet(m.Groups["client"].Value, random);
            var traceId = random.NextInt64().ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
            sb.Clear();
            if (json)
            {
                sb.Append("{\"ts\":\"").Append(ts).Append("\",\"level\":\"").Append(level)
                  .Append("\",\"msg\":\"request served\",\"http\":{\"method\":\"").Append(m.Groups["method"].Value)
                  .Append("\",\"path\":\"").Append(m.Groups["path"].Value).Append("\",\"status\":").Append(status)
                  .Append("},\"bytes\":").Append(bytes).Append(",\"duration\":\"").Append(duration)
                  .Append("\",\"client\":\"").Append(client).Append("\",\"trace_id\":\"").Append(traceId)
                  .Append("\",\"agent\":\"").Append(agent).Append("\"}");
            }
            else
            {
                sb.Append("ts=").Append(ts).Append(" level=").Append(level).Append(" msg=\"request served\" method=")
                  .Append(m.Groups["method"].Value).Append(" path=").Append(m.Groups["path"].Value).Append(" status=")
                  .Append(status).Append(" bytes=").Append(bytes).Append(" duration=").Append(duration).Append(" client=")
                  .Append(client).Append(" trace_id=").Append(traceId).Append(" agent=\"").Append(agent).Append('"');
            }
            return sb.ToString();
        });
    }

    private static string FreshLastOctet(string ip, Random random)
    {
        var dot = ip.LastIndexOf('.');
        return dot < 0 ? ip : string.Concat(ip.AsSpan(0, dot + 1), random.Next(1, 255).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static LineCorpus Build(int count, Func<int, string> line)
    {
        var offsets = new int[count + 1];
        var bytes = new List<byte>(count * 200);
        for (var i = 0; i < count; i++)
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(line(i)));
            offsets[i + 1] = bytes.Count;
        }
        return new LineCorpus([.. bytes], offsets);
    }

    [GeneratedRegex("^(?<client>\\S+) \\S+ \\S+ \\[[^\\]]+\\] \"(?<method>[A-Z]+) (?<path>\\S+)[^\"]*\" (?<status>\\d{3}) (?<bytes>\\S+) \"[^\"]*\" (?<agent>\"[^\"]*\")")]
    private static partial Regex CombinedLog();
}
