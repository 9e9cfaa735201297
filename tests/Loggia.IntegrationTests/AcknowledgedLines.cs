using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Loggia.IntegrationTests;

/// <summary>
/// Lines with unique ids pushed to a real server, remembering which pushes were acknowledged (204), and read back:
/// for tests that check every acknowledged line is returned exactly once after crashes, restores or compaction.
/// </summary>
internal static class AcknowledgedLines
{
    /// <summary>
    /// Pushes batches of <paramref name="linesPerPush"/> lines of stream <c>{app=…, pusher=…}</c> until stopped or until
    /// the server goes away; ids are <c>&lt;idPrefix&gt;-b&lt;batch&gt;-l&lt;line&gt;</c>, the first word of each line.
    /// Timestamps are now, or <paramref name="age"/> ago.
    /// </summary>
    public static async Task PushUntilStoppedAsync(HttpClient client, string app, string idPrefix, int linesPerPush, ConcurrentDictionary<string, byte> acknowledged, CancellationToken stop, TimeSpan age = default)
    {
        var batch = 0;
        var filler = new string('x', 120);
        while (!stop.IsCancellationRequested)
        {
            var now = (DateTimeOffset.UtcNow - age).ToUnixTimeMilliseconds() * 1_000_000;
            var ids = Enumerable.Range(0, linesPerPush).Select(i => $"{idPrefix}-b{batch}-l{i}").ToList();
            var values = string.Join(',', ids.Select((id, i) => $"[\"{now + i}\",\"{id} {filler}\"]"));
            var json = $"{{\"streams\":[{{\"stream\":{{\"app\":\"{app}\",\"pusher\":\"{idPrefix}\"}},\"values\":[{values}]}}]}}";
            try
            {
                using var response = await client.PostAsync("/loki/api/v1/push", new StringContent(json, Encoding.UTF8, "application/json"), CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.NoContent)
                {
                    foreach (var id in ids)
                    {
                        acknowledged.TryAdd(id, 0);
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return; // the server was killed: what was not acknowledged may or may not be there
            }

            batch++;
        }
    }

    /// <summary>The ids of every line of <c>{app=…}</c> from <paramref name="startNanos"/> to a minute from now, duplicates included.</summary>
    public static async Task<List<string>> QueryAllAsync(HttpClient client, string app, long startNanos)
    {
        var end = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 60_000) * 1_000_000;
        var url = $"/loki/api/v1/query_range?query={Uri.EscapeDataString($"{{app=\"{app}\"}}")}&start={startNanos}&end={end}&limit=10000000&direction=forward";
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body[..Math.Min(body.Length, 500)]}");
        using var document = JsonDocument.Parse(body);
        var lines = new List<string>();
        foreach (var stream in document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            foreach (var value in stream.GetProperty("values").EnumerateArray())
            {
                lines.Add(value[1].GetString()!.Split(' ')[0]);
            }
        }

        return lines;
    }

    /// <summary>Asserts that every id of <paramref name="expected"/> is in <paramref name="returned"/> and that no id is there twice.</summary>
    public static void AssertExactlyOnce(IReadOnlyCollection<string> expected, List<string> returned)
    {
        var counts = returned.GroupBy(l => l, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var missing = expected.Where(l => !counts.ContainsKey(l)).ToList();
        var duplicated = counts.Where(c => c.Value > 1).Select(c => c.Key).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {expected.Count} acknowledged lines are missing, e.g. {string.Join(", ", missing.Take(3))}");
        Assert.True(duplicated.Count == 0, $"{duplicated.Count} lines are returned more than once, e.g. {string.Join(", ", duplicated.Take(3))}");
    }
}
