using Loggia.Server.Storage;
using Loggia.Storage.Head;
using Loggia.Storage.Retention;
using Microsoft.Extensions.DependencyInjection;

namespace Loggia.Server.Tests.EndToEnd;

/// <summary>Retention in the running server: what the policy expires disappears from queries; the rest stays; the audit log says why.</summary>
public sealed class RetentionEndToEndTests
{
    private const long Hour = 3_600_000_000_000L;

    [Fact]
    public async Task ExpiredEntries_AreDeleted_PerStreamRule()
    {
        await using var server = await RunningServer.StartAsync(yaml: """
            compactor:
              retention_enabled: true
              compaction_interval: 1s
              retention_delete_delay: 0s
            limits_config:
              retention_period: 24h
              retention_stream:
                - selector: '{app="audit"}'
                  priority: 1
                  period: 1000h
            """);
        await server.PushLinesAsync(null,
            ("{\"app\":\"api\"}", -30 * Hour, "api old"),
            ("{\"app\":\"api\"}", -25 * Hour, "api older than a day"),
            ("{\"app\":\"api\"}", -1 * Hour, "api recent"),
            ("{\"app\":\"audit\"}", -30 * Hour, "audit old but kept"));
        await server.App.Services.GetRequiredService<StorageEngine>().FlushAsync(HeadFlushMode.All, CancellationToken.None);

        var audit = new RetentionAuditLog(server.DataDirectory);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (audit.ReadAll().Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var record = Assert.Single(audit.ReadAll());
        Assert.Equal(RetentionAction.Rewritten, record.Action);
        Assert.Equal(2, record.RowsDeleted);
        var stream = Assert.Single(record.Streams);
        Assert.Equal("{app=\"api\"}", stream.Labels);
        Assert.Equal("retention_period", stream.Rule);

        var url = $"/loki/api/v1/query_range?query={RunningServer.Escape("{app=~\".+\"}")}&start={RunningServer.Now - (40 * Hour)}&end={RunningServer.Now}&limit=100";
        var json = await server.GetJsonAsync(url);
        var lines = json.GetProperty("data").GetProperty("result").EnumerateArray()
            .SelectMany(s => s.GetProperty("values").EnumerateArray().Select(v => v[1].GetString()!))
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(["api recent", "audit old but kept"], lines);
    }
}
