using Microsoft.Extensions.Logging;

namespace Loggia.Cli.Agent;

/// <summary>Everything <c>loggia agent</c> runs with, from its YAML file and flags (docs/ingest/agent.md).</summary>
internal sealed class AgentOptions
{
    public string Url { get; set; } = "http://127.0.0.1:3100";

    /// <summary>X-Scope-OrgID; empty for none. Never logged.</summary>
    public string TenantId { get; set; } = "";

    /// <summary>A batch is sent once its lines reach this many bytes (Promtail's <c>batchsize</c>).</summary>
    public long BatchSizeBytes { get; set; } = 1024 * 1024;

    /// <summary>…or once its first line has waited this long (Promtail's <c>batchwait</c>).</summary>
    public TimeSpan BatchWait { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a shutdown keeps trying to deliver the last batch before giving up (the lines are then sent again after the restart).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public string PositionsFile { get; set; } = "positions.json";

    public PositionsOnCorrupt OnCorrupt { get; set; } = PositionsOnCorrupt.Beginning;

    /// <summary>How often the globs are evaluated again for new files (Promtail's <c>target_config.sync_period</c>).</summary>
    public TimeSpan SyncPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often followed files are checked for new data, rotation and truncation.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longer lines are truncated to this many bytes and counted.</summary>
    public int MaxLineBytes { get; set; } = 256 * 1024;

    public LogLevel LogLevel { get; set; } = LogLevel.Information;

    public List<ScrapeTarget> ScrapeConfigs { get; } = [];
}
