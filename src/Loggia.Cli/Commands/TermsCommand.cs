using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Loggia.Cli.Commands;

/// <summary>
/// <c>loggia terms [flags] &lt;term&gt;...</c>: which hours, days or weeks of a tenant's published blocks contain all the
/// terms, and how often (<c>/loggia/api/v1/terms/histogram</c>, docs/terms.md). <c>-step 1h|1d|1w</c> (1d),
/// <c>-since</c> (7d) or <c>-from</c>/<c>-to</c> (RFC3339), <c>-empty</c> to print empty buckets too, <c>-json</c> for the
/// server's JSON, <c>-addr</c>, <c>-org-id</c>. Text: one line per bucket — start, hours holding every term, the line
/// upper bound, each term's lines, and a bar.
/// </summary>
internal static class TermsCommand
{
    private static readonly HashSet<string> Known = ["addr", "url", "tenant", "org-id", "since", "from", "to", "step"];
    private static readonly HashSet<string> Booleans = ["json", "empty"];

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var flags = CliFlags.Parse(args, Known, Booleans);
        if (flags.Positional.Count == 0)
        {
            await stderr.WriteLineAsync("usage: loggia terms [-step 1h|1d|1w] [-since 7d | -from T -to T] [-json] [-empty] <term>...");
            return 2;
        }

        if (!CliTimeRange.TryParse(flags, "7d", DateTimeOffset.UtcNow, out var range, out var error))
        {
            await stderr.WriteLineAsync(error);
            return 2;
        }

        using var client = CliHttp.CreateClient(flags);
        var url = string.Create(CultureInfo.InvariantCulture,
            $"/loggia/api/v1/terms/histogram?terms={Uri.EscapeDataString(string.Join(',', flags.Positional))}&step={Uri.EscapeDataString(flags.Get("step", "1d"))}&start={range.FromNanos}&end={range.ToNanos}");
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            await stderr.WriteLineAsync($"terms failed: {(int)response.StatusCode} {body.Trim()}");
            return 1;
        }

        if (flags.Has("json"))
        {
            await stdout.WriteLineAsync(body.Trim());
            return 0;
        }

        using var document = JsonDocument.Parse(body);
        var data = document.RootElement.GetProperty("data");
        string[] terms = [.. data.GetProperty("terms").EnumerateArray().Select(t => t.GetString()!)];
        var buckets = data.GetProperty("buckets").EnumerateArray().ToList();
        var most = Math.Max(1, buckets.Count == 0 ? 1 : buckets.Max(b => b.GetProperty("lines").GetInt64()));
        var shown = 0;
        foreach (var bucket in buckets)
        {
            var lines = bucket.GetProperty("lines").GetInt64();
            var complete = bucket.GetProperty("complete").GetBoolean();
            if (lines == 0 && complete && !flags.Has("empty"))
            {
                continue;
            }

            var text = new StringBuilder();
            text.Append(DateTimeOffset.FromUnixTimeSeconds(bucket.GetProperty("start").GetInt64()).ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture));
            text.Append(CultureInfo.InvariantCulture, $"  hours={bucket.GetProperty("hours").GetInt64()}  lines<={lines}");
            var t = 0;
            foreach (var count in bucket.GetProperty("terms").EnumerateArray())
            {
                text.Append(CultureInfo.InvariantCulture, $"  {terms[t++]}={count.GetInt64()}");
            }

            text.Append("  ").Append('#', (int)Math.Ceiling(40.0 * lines / most));
            if (!complete)
            {
                text.Append("  (incomplete: some blocks have no term data)");
            }

            await stdout.WriteLineAsync(text.ToString());
            shown++;
        }

        if (shown == 0)
        {
            await stdout.WriteLineAsync("no bucket contains all the terms");
        }

        return 0;
    }
}
