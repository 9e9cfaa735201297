using System.Text;
using Loggia.Core.Model;
using Loggia.Storage.Blocks;
using Loggia.Storage.Catalog;
using Loggia.Storage.Retention;
using Loggia.Storage.Tests.Catalog;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loggia.Storage.Tests.Retention;

/// <summary>Retention over real blocks on disk and a real SQLite catalog: exactly what the policy says is deleted.</summary>
public sealed class RetentionEnforcerTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly long HourNanos = 3_600_000_000_000L;
    private static readonly long NowNanos = (Now - DateTimeOffset.UnixEpoch).Ticks * 100;

    private readonly TempDirectory _directory = new();
    private readonly ManualTime _time = new(Now);
    private SqliteBlockCatalog _catalog = null!;

    public async Task InitializeAsync() =>
        _catalog = await SqliteBlockCatalog.OpenAsync(_directory.File("catalog.db"), CancellationToken.None);

    public async Task DisposeAsync() => await _catalog.DisposeAsync();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task GlobalPeriod_DropsWholeBlocksAndRewritesTheStraddlingOne()
    {
        // Three blocks: 50 h old, 30 h old → 20 h old (straddles a 24 h cutoff), 2 h old.
        var old = await Publish("fake", Stream("api", NowNanos - (50 * HourNanos), 10, HourNanos / 10));
        var straddling = await Publish("fake", Stream("api", NowNanos - (30 * HourNanos), 11, HourNanos));
        var fresh = await Publish("fake", Stream("api", NowNanos - (2 * HourNanos), 5, HourNanos / 10));
        using var enforcer = Enforcer(_ => new TenantRetention(TimeSpan.FromHours(24), []));

        var changes = await enforcer.RunAsync(CancellationToken.None);

        Assert.Equal(2, changes.Count);
        var dropped = Assert.Single(changes, c => c.BlockId == old.Id);
        Assert.Equal(RetentionAction.Dropped, dropped.Action);
        Assert.Equal(10, dropped.RowsDeleted);
        var rewritten = Assert.Single(changes, c => c.BlockId == straddling.Id);
        Assert.Equal(RetentionAction.Rewritten, rewritten.Action);
        // Entries at -30 h … -20 h: those older than -24 h (-30 … -25, six of them) go.
        Assert.Equal(6, rewritten.RowsDeleted);
        Assert.Equal(5, rewritten.RowsKept);

        var remaining = await _catalog.AllAsync(CancellationToken.None);
        Assert.Equal([rewritten.ReplacementId!, fresh.Id], remaining.OrderBy(b => b.MinTimeNanos).Select(b => b.Id));
        var replacement = remaining.Single(b => b.Id == rewritten.ReplacementId);
        Assert.Equal(NowNanos - (24 * HourNanos), replacement.MinTimeNanos);
        Assert.Equal(5, replacement.Rows);
        Assert.All(ReadTimestamps(replacement), ts => Assert.True(ts >= NowNanos - (24 * HourNanos)));

        // The audit log has both changes, durable.
        Assert.Equal(changes.Select(c => c.BlockId), enforcer.Audit.ReadAll().Select(r => r.BlockId));

        // A second pass has nothing left to do.
        Assert.Empty(await enforcer.RunAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RemovedFiles_StayUntilTheDeleteDelayIsOver()
    {
        var old = await Publish("fake", Stream("api", NowNanos - (50 * HourNanos), 3, HourNanos));
        using var enforcer = Enforcer(_ => new TenantRetention(TimeSpan.FromHours(24), []), deleteDelay: TimeSpan.FromHours(2));
        var path = _directory.File(old.Path);

        await enforcer.RunAsync(CancellationToken.None);
        Assert.True(File.Exists(path), "a query may still be reading the block");
        Assert.Empty(await _catalog.AllAsync(CancellationToken.None));

        _time.Advance(TimeSpan.FromHours(2));
        enforcer.DeleteDueFiles();
        Assert.False(File.Exists(path));
        Assert.False(File.Exists(_directory.File(old.IndexPath)));
        Assert.Equal(0, enforcer.PendingDeletes);
    }

    [Fact]
    public async Task StreamRules_ApplyPerStreamWithLokiPrecedence()
    {
        // One block, 40 h old → 31 h old, three streams.
        var block = await Publish("fake",
            Stream("debug", NowNanos - (40 * HourNanos), 10, HourNanos),
            Stream("audit", NowNanos - (40 * HourNanos), 10, HourNanos),
            Stream("api", NowNanos - (40 * HourNanos), 10, HourNanos));
        var rules = new List<StreamRetentionRule>
        {
            // debug: 24 h → everything goes.
            Rule("{app=\"debug\"}", "debug", priority: 1, TimeSpan.FromHours(24)),
            // audit: two rules match; the higher priority (keep 1000 h) wins over the shorter one.
            Rule("{app=\"audit\"}", "audit", priority: 2, TimeSpan.FromHours(1000)),
            Rule("{app=~\".+\"}", null, priority: 1, TimeSpan.FromHours(36)),
        };
        // api: only the catch-all (36 h) matches: entries older than 36 h go (-40 … -37: four).
        using var enforcer = Enforcer(_ => new TenantRetention(TimeSpan.Zero, rules));

        var change = Assert.Single(await enforcer.RunAsync(CancellationToken.None));

        Assert.Equal(block.Id, change.BlockId);
        Assert.Equal(RetentionAction.Rewritten, change.Action);
        Assert.Equal(14, change.RowsDeleted);
        var byStream = change.Streams.ToDictionary(s => s.Labels, s => (s.Rule, s.RowsDeleted));
        Assert.Equal(("{app=\"debug\"}", 10L), byStream["{app=\"debug\"}"]);
        Assert.Equal(("{app=~\".+\"}", 4L), byStream["{app=\"api\"}"]);
        Assert.False(byStream.ContainsKey("{app=\"audit\"}"));
        var replacement = Assert.Single(await _catalog.AllAsync(CancellationToken.None));
        Assert.Equal(16, replacement.Rows);
    }

    [Fact]
    public void EqualPriority_TheShortestPeriodWins()
    {
        var policy = new TenantRetention(TimeSpan.FromDays(30), [
            Rule("a", null, 5, TimeSpan.FromHours(72)),
            Rule("b", null, 5, TimeSpan.FromHours(48)),
            Rule("c", null, 4, TimeSpan.FromHours(24)),
        ]);
        var (period, rule) = policy.For(Labels.Parse("{app=\"x\"}"));
        Assert.Equal(TimeSpan.FromHours(48), period);
        Assert.Equal("b", rule!.Selector);
        Assert.Equal(TimeSpan.FromHours(24), policy.ShortestPeriod);
        Assert.Equal((TimeSpan.FromDays(30), (StreamRetentionRule?)null), new TenantRetention(TimeSpan.FromDays(30), []).For(Labels.Parse("{a=\"b\"}")));
    }

    [Fact]
    public async Task Tenants_HaveTheirOwnPolicies_AndZeroKeepsForever()
    {
        await Publish("short", Stream("api", NowNanos - (50 * HourNanos), 3, HourNanos));
        var kept = await Publish("forever", Stream("api", NowNanos - (5000 * HourNanos), 3, HourNanos));
        using var enforcer = Enforcer(t => t == "short" ? new TenantRetention(TimeSpan.FromHours(24), []) : TenantRetention.Forever);

        var change = Assert.Single(await enforcer.RunAsync(CancellationToken.None));

        Assert.Equal("short", change.Tenant);
        Assert.Equal(kept.Id, Assert.Single(await _catalog.AllAsync(CancellationToken.None)).Id);
    }

    [Fact]
    public async Task UnreadableBlock_IsLeftAlone()
    {
        var block = await Publish("fake", Stream("api", NowNanos - (50 * HourNanos), 3, HourNanos));
        File.WriteAllBytes(_directory.File(block.IndexPath), [1, 2, 3]);
        using var enforcer = Enforcer(_ => new TenantRetention(TimeSpan.FromHours(24), []));

        Assert.Empty(await enforcer.RunAsync(CancellationToken.None));
        Assert.Single(await _catalog.AllAsync(CancellationToken.None));
    }

    private RetentionEnforcer Enforcer(Func<string, TenantRetention> policy, TimeSpan? deleteDelay = null) =>
        new(_directory.Path, _catalog, policy, _time, deleteDelay ?? TimeSpan.Zero, NullLogger.Instance);

    private static StreamRetentionRule Rule(string selector, string? app, int priority, TimeSpan period) =>
        new(selector, labels => app is null || labels.Get("app") == app, priority, period);

    private async Task<BlockInfo> Publish(string tenant, params BlockStreamInput[] streams)
    {
        var written = BlockWriter.Write(_directory.Path, tenant, streams);
        var info = written.ToBlockInfo(Now, level: 0);
        await _catalog.PublishAsync(info, CancellationToken.None);
        return info;
    }

    private static BlockStreamInput Stream(string app, long start, int count, long step)
    {
        var entries = new List<BlockEntry>(count);
        for (var i = 0; i < count; i++)
        {
            entries.Add(new BlockEntry(start + (i * step), Encoding.UTF8.GetBytes($"{app} line {i}"), i % 2 == 0 ? EntryMetadata.From([new("trace_id", $"t{i}")]) : EntryMetadata.Empty));
        }
        return new BlockStreamInput((ulong)app.GetHashCode(StringComparison.Ordinal) | 1, $"{{app=\"{app}\"}}", [new("app", app)], entries);
    }

    private List<long> ReadTimestamps(BlockInfo block)
    {
        var path = _directory.File(block.Path);
        var streams = BlockStreamReader.Read(path, BlockReader.ReadIndex(path), _ => long.MinValue);
        return streams.SelectMany(s => s.Entries.Select(e => e.TimestampNanos)).ToList();
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
