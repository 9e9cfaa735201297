using System.Globalization;
using System.Text.Json;

namespace Loggia.Cli.Commands;

/// <summary>
/// <c>loggia query '{app="x"} |= "err"'</c>, like logcli: <c>-limit</c> (30), <c>-since</c> (1h) or
/// <c>-from</c>/<c>-to</c> (RFC3339), <c>-forward</c>, <c>-o default|raw|jsonl</c>, <c>-addr</c>, <c>-org-id</c>.
/// Default output: timestamp, labels and line; raw: the line only; jsonl: one JSON object per entry.
/// </summary>
internal static class QueryCommand
{
    private static readonly HashSet<string> Known = ["addr", "url", "tenant", "org-id", "limit", "since", "from", "to", "o", "output"];
    private static readonly HashSet<string> Booleans = ["forward"];

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var flags = CliFlags.Parse(args, Known, Booleans);
        if (flags.Positional.Count != 1)
        {
            await stderr.WriteLineAsync("usage: loggia query [flags] '<LogQL>'");
            return 2;
        }

        if (!CliTimeRange.TryParse(flags, "1h", DateTimeOffset.UtcNow, out var range, out var error))
        {
            await stderr.WriteLineAsync(error);
            return 2;
        }

        var output = flags.Get("o", flags.Get("output", "default"));
        using var client = CliHttp.CreateClient(flags);
        var url = string.Create(CultureInfo.InvariantCulture,
            $"/loki/api/v1/query_range?query={Uri.EscapeDataString(flags.Positional[0])}&limit={flags.Get("limit", "30")}&start={range.FromNanos}&end={range.ToNanos}&direction={(flags.Has("forward") ? "forward" : "backward")}");
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            await stderr.WriteLineAsync($"query failed: {(int)response.StatusCode} {body.Trim()}");
            return 1;
        }

        using var document = JsonDocument.Parse(body);
        var entries = new List<(long Ts, string Labels, string Line, JsonElement Stream)>();
        foreach (var stream in document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = "{" + string.Join(", ", stream.GetProperty("stream").EnumerateObject().Select(p => $"{p.Name}=\"{p.Value.GetString()}\"")) + "}";
            foreach (var value in stream.GetProperty("values").EnumerateArray())
            {
                entries.Add((long.Parse(value[0].GetString()!, CultureInfo.InvariantCulture), labels, value[1].GetString()!, stream.GetProperty("stream")));
            }
        }

        // Streams arrive grouped; print entries in the query's time order, as logcli does.
        entries.Sort((a, b) => flags.Has("forward") ? a.Ts.CompareTo(b.Ts) : b.Ts.CompareTo(a.Ts));
        foreach (var (ts, labels, line, stream) in entries)
        {
            var time = DateTimeOffset.FromUnixTimeMilliseconds(ts / 1_000_000).AddTicks(ts % 1_000_000 / 100);
            switch (output)
            {
                case "raw":
                    await stdout.WriteLineAsync(line);
                    break;
                case "jsonl":
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(new Dictionary<string, object>
                    {
                        ["labels"] = stream,
                        ["line"] = line,
                        ["timestamp"] = time.ToString("yyyy-MM-ddTHH:mm:ss.fffffffK", CultureInfo.InvariantCulture),
                    }));
                    break;
                default:
                    await stdout.WriteLineAsync($"{time.ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture)} {labels} {line}");
                    break;
            }
        }

        return 0;
    }
}
