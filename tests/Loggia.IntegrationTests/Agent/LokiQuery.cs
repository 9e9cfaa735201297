using System.Net;
using System.Text.Json;

namespace Loggia.IntegrationTests.Agent;

/// <summary>Reads entries back through <c>/loki/api/v1/query_range</c>, as any Loki client would.</summary>
internal static class LokiQuery
{
    /// <summary>Every entry of <paramref name="selector"/> from the last ten minutes, oldest first within each stream.</summary>
    public static async Task<List<LokiEntry>> RangeAsync(HttpClient client, string selector)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var start = now - (600L * 1_000_000_000);
        var end = now + (60L * 1_000_000_000);
        var url = $"/loki/api/v1/query_range?query={Uri.EscapeDataString(selector)}&start={start}&end={end}&limit=5000&direction=forward";
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body[..Math.Min(body.Length, 500)]}");
        using var document = JsonDocument.Parse(body);
        var entries = new List<LokiEntry>();
        foreach (var stream in document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = stream.GetProperty("stream").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            foreach (var value in stream.GetProperty("values").EnumerateArray())
            {
                entries.Add(new LokiEntry(labels, long.Parse(value[0].GetString()!, System.Globalization.CultureInfo.InvariantCulture), value[1].GetString()!));
            }
        }

        return entries;
    }

    /// <summary>
    /// Queries until <paramref name="done"/> holds for the entries (or the deadline passes) and returns the last
    /// answer; the caller then asserts on it exactly, so a slow machine only makes the test slower, never wrong.
    /// </summary>
    public static async Task<List<LokiEntry>> WaitForAsync(HttpClient client, string selector, Func<List<LokiEntry>, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var entries = await RangeAsync(client, selector);
            if (done(entries) || DateTime.UtcNow > deadline)
            {
                return entries;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until at least the lines of <paramref name="expected"/> have all arrived (more may have).</summary>
    public static Task<List<LokiEntry>> WaitForLinesAsync(HttpClient client, string selector, IEnumerable<string> expected, TimeSpan? timeout = null)
    {
        var wanted = expected.ToHashSet(StringComparer.Ordinal);
        return WaitForAsync(client, selector, entries => wanted.IsSubsetOf(entries.Select(e => e.Line)), timeout);
    }
}
