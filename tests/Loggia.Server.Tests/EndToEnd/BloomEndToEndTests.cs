using System.Text.Json;
using Loggia.Server.Storage;
using Loggia.Storage.Head;
using Microsoft.Extensions.DependencyInjection;

namespace Loggia.Server.Tests.EndToEnd;

/// <summary>Token blooms in the running server: a needle query skips the blocks that cannot hold it and says so in stats.index.</summary>
public sealed class BloomEndToEndTests
{
    private const long Second = 1_000_000_000L;

    private static string[] Lines(JsonElement json) =>
        [.. json.GetProperty("data").GetProperty("result").EnumerateArray().SelectMany(s => s.GetProperty("values").EnumerateArray().Select(v => v[1].GetString()!))];

    [Fact]
    public async Task NeedleQuery_SkipsBlocksByBloom_AndReportsItInStatsIndex()
    {
        await using var server = await RunningServer.StartAsync();
        var storage = server.App.Services.GetRequiredService<StorageEngine>();
        await server.PushLinesAsync(null, ("{\"app\":\"api\"}", -50 * Second, "GET /users id=1 ok"), ("{\"app\":\"api\"}", -49 * Second, "GET /users id=2 ok"));
        await storage.FlushAsync(HeadFlushMode.All, CancellationToken.None);
        await server.PushLinesAsync(null, ("{\"app\":\"api\"}", -40 * Second, "payment id=qzneedle failed"), ("{\"app\":\"api\"}", -39 * Second, "GET /users id=3 ok"));
        await storage.FlushAsync(HeadFlushMode.All, CancellationToken.None);

        var range = $"&start={RunningServer.Now - (60 * Second)}&end={RunningServer.Now}&limit=100";
        var needle = await server.GetJsonAsync($"/loki/api/v1/query_range?query={RunningServer.Escape("{app=\"api\"} |= \"id=qzneedle \"")}{range}");
        Assert.Equal(["payment id=qzneedle failed"], Lines(needle));
        var index = needle.GetProperty("data").GetProperty("stats").GetProperty("index");
        Assert.Equal(2, index.GetProperty("totalChunks").GetInt64());
        Assert.Equal(1, index.GetProperty("postFilterChunks").GetInt64());
        Assert.True(index.GetProperty("usedBloomFilters").GetBoolean());

        // Without a required token nothing is skipped, and the same line is found.
        var plain = await server.GetJsonAsync($"/loki/api/v1/query_range?query={RunningServer.Escape("{app=\"api\"} |= \"qzneedle\"")}{range}");
        Assert.Equal(["payment id=qzneedle failed"], Lines(plain));
        var plainIndex = plain.GetProperty("data").GetProperty("stats").GetProperty("index");
        Assert.Equal(2, plainIndex.GetProperty("postFilterChunks").GetInt64());
        Assert.False(plainIndex.GetProperty("usedBloomFilters").GetBoolean());
    }
}
