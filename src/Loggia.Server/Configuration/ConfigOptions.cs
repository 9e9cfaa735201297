using System.Globalization;
using System.Net;
using Loggia.Core.Units;

namespace Loggia.Server.Configuration;

/// <summary>The table of every supported option, in reference order.</summary>
public static class ConfigOptions
{
    /// <summary>All options Loggia understands.</summary>
    public static IReadOnlyList<ConfigOption> All { get; } =
    [
        Text("server.http_listen_address", "server.http-listen-address", "HTTP listen address.", o => o.HttpListenAddress, (o, v) =>
            IPAddress.TryParse(v, out _) || v is "localhost" || v.Length == 0 ? Set(() => o.HttpListenAddress = v.Length == 0 ? "0.0.0.0" : v) : $"'{v}' is not an IP address"),
        Integer("server.http_listen_port", "server.http-listen-port", "HTTP listen port.", 0, 65535, o => o.HttpListenPort, (o, v) => o.HttpListenPort = v),
        Text("server.log_level", "log.level", "Level of Loggia's own logs: debug, info, warn, error.", o => o.LogLevel, (o, v) =>
            v is "debug" or "info" or "warn" or "error" ? Set(() => o.LogLevel = v) : $"'{v}' is not one of debug, info, warn, error"),
        Text("common.path_prefix", "common.path-prefix", "Data directory (WAL, blocks, catalog).", o => o.DataDirectory, (o, v) =>
            v.Length > 0 ? Set(() => o.DataDirectory = v) : "the data directory must not be empty"),
        Boolean("auth_enabled", "auth.enabled", "Require X-Scope-OrgID (multi-tenant); when false every request is tenant 'fake'.", o => o.AuthEnabled, (o, v) => o.AuthEnabled = v),
        Text("wal.sync_mode", "wal.sync-mode", "fsync: a push is acknowledged after its WAL records are fsynced; none: after they are written.", o => o.WalSyncMode, (o, v) =>
            v is "fsync" or "none" ? Set(() => o.WalSyncMode = v) : $"'{v}' is not one of fsync, none"),
        Size("wal.segment_size", "wal.segment-size", "Size of one WAL segment file.", 1024 * 1024, o => o.WalSegmentSizeBytes, (o, v) => o.WalSegmentSizeBytes = v),
        Size("wal.max_size", "wal.max-size", "WAL size beyond which the head is flushed to blocks early.", 16 * 1024 * 1024, o => o.WalMaxSizeBytes, (o, v) => o.WalMaxSizeBytes = v),
        Duration("ingester.max_chunk_age", "ingester.max-chunk-age", "Head data older than this is flushed to a block; half of it is the out-of-order window.", o => o.MaxChunkAge, (o, v) => o.MaxChunkAge = v),
        Duration("ingester.chunk_idle_period", "ingester.chunk-idle-period", "A stream without new entries for this long is flushed.", o => o.ChunkIdlePeriod, (o, v) => o.ChunkIdlePeriod = v),
        Size("ingester.flush_size", "ingester.flush-size", "Head size of a tenant that triggers a flush to a block (Loggia).", 1024 * 1024, o => o.HeadFlushSizeBytes, (o, v) => o.HeadFlushSizeBytes = v),
        Size("ingester.max_head_size", "ingester.max-head-size", "Head memory budget: beyond it pushes get 429 with Retry-After until flushes catch up (Loggia).", 16 * 1024 * 1024, o => o.HeadMaxBytes, (o, v) => o.HeadMaxBytes = v),
        Rate("storage.bloom_false_positive_rate", "storage.bloom-false-positive-rate", "False-positive rate of the per-row-group token bloom filters in block sidecars (0: no filters) (Loggia).", o => o.BloomFalsePositiveRate, (o, v) => o.BloomFalsePositiveRate = v),
        Boolean("storage.term_index_enabled", "storage.term-index-enabled", "Write each block's term file and use the term → hour index to narrow long-range queries (Loggia).", o => o.TermIndexEnabled, (o, v) => o.TermIndexEnabled = v),
        Duration("storage.term_index_refresh_interval", "storage.term-index-refresh-interval", "How often the term index's tenant-day segments are rebuilt where the blocks changed; a day still receiving blocks at most this often, and only once it has grown by half (Loggia).", o => o.TermIndexRefreshInterval, (o, v) => o.TermIndexRefreshInterval = v),
        Integer("ingester.block_compression_level", "ingester.block-compression-level", "zstd level of blocks flushed from the head (Loggia).", 1, 19, o => o.FlushCompressionLevel, (o, v) => o.FlushCompressionLevel = v),
        Size("distributor.max_recv_msg_size", "distributor.max-recv-msg-size", "Largest push body after decompression (larger: 413).", 1024, o => o.MaxReceiveMessageBytes, (o, v) => o.MaxReceiveMessageBytes = v),
        Text("clef.api_key", "clef.api-key", "When set, CLEF/Seq ingestion requires this API key (X-Seq-ApiKey header or apiKey parameter) (Loggia).", o => o.ClefApiKey, (o, v) => Set(() => o.ClefApiKey = v)),
        Text("elasticsearch.label_fields", "elasticsearch.label-fields", "Comma-separated document fields (dotted paths) that become stream labels in Elasticsearch bulk ingestion, besides index (Loggia).", o => string.Join(',', o.ElasticsearchLabelFields), (o, v) => Set(() => o.ElasticsearchLabelFields = [.. v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)])),
        Integer("distributor.otlp_grpc_listen_port", "distributor.otlp-grpc-listen-port", "Port of the OTLP/gRPC logs receiver (HTTP/2 cleartext; 0: off) (Loggia).", 0, 65535, o => o.OtlpGrpcListenPort, (o, v) => o.OtlpGrpcListenPort = v),
        Text("syslog.listen_address", "syslog.listen-address", "Listen address of the syslog receivers (Loggia).", o => o.Syslog.ListenAddress, (o, v) =>
            IPAddress.TryParse(v, out _) ? Set(() => o.Syslog.ListenAddress = v) : $"'{v}' is not an IP address"),
        Integer("syslog.tcp_listen_port", "syslog.tcp-listen-port", "Syslog over TCP, RFC 6587 framing (0: a free port; -1: off) (Loggia).", -1, 65535, o => o.Syslog.TcpListenPort, (o, v) => o.Syslog.TcpListenPort = v),
        Integer("syslog.udp_listen_port", "syslog.udp-listen-port", "Syslog over UDP (0: a free port; -1: off) (Loggia).", -1, 65535, o => o.Syslog.UdpListenPort, (o, v) => o.Syslog.UdpListenPort = v),
        Text("syslog.tenant", "syslog.tenant", "Tenant of syslog messages (Loggia).", o => o.Syslog.Tenant, (o, v) =>
            Loggia.Core.Model.TenantId.TryCreate(v, out _, out var error) ? Set(() => o.Syslog.Tenant = v) : $"'{v}' is not a valid tenant: {error}"),
        Size("syslog.max_message_size", "syslog.max-message-size", "Longest syslog message kept whole; longer ones are truncated and counted (Loggia).", 256, o => o.Syslog.MaxMessageBytes, (o, v) => o.Syslog.MaxMessageBytes = Math.Min(v, 16L * 1024 * 1024)),
        Text("syslog.tls_cert_file", "syslog.tls-cert-file", "PEM certificate for syslog over TLS on the TCP port (with syslog.tls_key_file) (Loggia).", o => o.Syslog.TlsCertFile, (o, v) => Set(() => o.Syslog.TlsCertFile = v)),
        Text("syslog.tls_key_file", "syslog.tls-key-file", "PEM private key of syslog.tls_cert_file (Loggia).", o => o.Syslog.TlsKeyFile, (o, v) => Set(() => o.Syslog.TlsKeyFile = v)),
        Number("limits_config.ingestion_rate_mb", "distributor.ingestion-rate-limit-mb", "Per-tenant ingestion rate in MB/s.", o => o.Limits.IngestionRateMB, (o, v) => o.Limits.IngestionRateMB = v),
        Number("limits_config.ingestion_burst_size_mb", "distributor.ingestion-burst-size-mb", "Per-tenant ingestion burst in MB.", o => o.Limits.IngestionBurstSizeMB, (o, v) => o.Limits.IngestionBurstSizeMB = v),
        Integer("limits_config.max_label_names_per_series", "validation.max-label-names-per-series", "Most labels a stream may have.", 1, 1000, o => o.Limits.MaxLabelNamesPerSeries, (o, v) => o.Limits.MaxLabelNamesPerSeries = v),
        Integer("limits_config.max_label_name_length", "validation.max-length-label-name", "Longest label name.", 1, 1 << 20, o => o.Limits.MaxLabelNameLength, (o, v) => o.Limits.MaxLabelNameLength = v),
        Integer("limits_config.max_label_value_length", "validation.max-length-label-value", "Longest label value.", 1, 1 << 20, o => o.Limits.MaxLabelValueLength, (o, v) => o.Limits.MaxLabelValueLength = v),
        Size("limits_config.max_line_size", "distributor.max-line-size", "Longest log line (0: unlimited).", 0, o => o.Limits.MaxLineSizeBytes, (o, v) => o.Limits.MaxLineSizeBytes = v),
        Boolean("limits_config.max_line_size_truncate", "distributor.max-line-size-truncate", "Truncate long lines instead of rejecting them.", o => o.Limits.MaxLineSizeTruncate, (o, v) => o.Limits.MaxLineSizeTruncate = v),
        Boolean("limits_config.reject_old_samples", "validation.reject-old-samples", "Reject entries older than reject_old_samples_max_age.", o => o.Limits.RejectOldSamples, (o, v) => o.Limits.RejectOldSamples = v),
        Duration("limits_config.reject_old_samples_max_age", "validation.reject-old-samples.max-age", "Oldest accepted entry age.", o => o.Limits.RejectOldSamplesMaxAge, (o, v) => o.Limits.RejectOldSamplesMaxAge = v),
        Duration("limits_config.creation_grace_period", "validation.create-grace-period", "How far in the future an entry may be.", o => o.Limits.CreationGracePeriod, (o, v) => o.Limits.CreationGracePeriod = v),
        Integer("limits_config.max_entries_limit_per_query", "validation.max-entries-limit", "Largest limit a log query may ask for.", 1, int.MaxValue, o => o.Limits.MaxEntriesLimitPerQuery, (o, v) => o.Limits.MaxEntriesLimitPerQuery = v),
        Integer("limits_config.max_query_series", "querier.max-query-series", "Most series a metric query may return.", 1, int.MaxValue, o => o.Limits.MaxQuerySeries, (o, v) => o.Limits.MaxQuerySeries = v),
        Duration("limits_config.query_timeout", "querier.query-timeout", "Longest a query may run (then 504).", o => o.Limits.QueryTimeout, (o, v) => o.Limits.QueryTimeout = v),
        Duration("limits_config.max_query_length", "store.max-query-length", "Longest time range of a query (0: unlimited).", o => o.Limits.MaxQueryLength, (o, v) => o.Limits.MaxQueryLength = v),
        Duration("limits_config.retention_period", "store.retention", "How long data is kept (0: forever).", o => o.Limits.RetentionPeriod, (o, v) => o.Limits.RetentionPeriod = v),
        Boolean("compactor.retention_enabled", "compactor.retention-enabled", "Delete data older than its retention period.", o => o.RetentionEnabled, (o, v) => o.RetentionEnabled = v),
        Duration("compactor.compaction_interval", "compactor.compaction-interval", "How often the compactor runs retention, deletes and compaction.", o => o.CompactionInterval, (o, v) => o.CompactionInterval = v),
        Size("compactor.compaction_target_size", "compactor.compaction-target-size", "Size towards which small blocks of a tenant and hour are merged (0: no compaction) (Loggia).", 0, o => o.CompactionTargetSizeBytes, (o, v) => o.CompactionTargetSizeBytes = v),
        Integer("compactor.compaction_compression_level", "compactor.compaction-compression-level", "zstd level of blocks written by compaction, retention and deletes (Loggia).", 1, 19, o => o.CompactionCompressionLevel, (o, v) => o.CompactionCompressionLevel = v),
        Duration("compactor.retention_delete_delay", "compactor.retention-delete-delay", "How long removed block files stay for queries already reading them.", o => o.RetentionDeleteDelay, (o, v) => o.RetentionDeleteDelay = v),
        Text("backup.directory", "backup.directory", "Directory of scheduled online backups (incremental snapshots; see docs/backup.md); empty: none (Loggia).", o => o.BackupDirectory, (o, v) => Set(() => o.BackupDirectory = v)),
        Duration("backup.interval", "backup.interval", "How often a scheduled backup runs, the first one an interval after start (0: none) (Loggia).", o => o.BackupInterval, (o, v) => o.BackupInterval = v),
        Integer("backup.keep", "backup.keep", "How many snapshots scheduled backups keep; older ones and the blocks only they hold are deleted (0: all) (Loggia).", 0, 100_000, o => o.BackupKeep, (o, v) => o.BackupKeep = v),
        Integer("limits_config.max_rule_label_values", "validation.max-rule-label-values", "Most distinct values a label created by ingest rules may take per tenant; later values stay structured metadata (0: no limit) (Loggia).", 0, int.MaxValue, o => o.Limits.MaxRuleLabelValues, (o, v) => o.Limits.MaxRuleLabelValues = v),
        Text("limits_config.deletion_mode", "compactor.deletion-mode", "Delete API: disabled, filter-only (hidden from queries) or filter-and-delete (also removed from blocks).", o => o.Limits.DeletionMode, (o, v) =>
            v is "disabled" or "filter-only" or "filter-and-delete" ? Set(() => o.Limits.DeletionMode = v) : $"'{v}' is not one of disabled, filter-only, filter-and-delete"),
        Duration("compactor.delete_request_cancel_period", "compactor.delete-request-cancel-period", "How long a delete request can be cancelled before the compactor removes its lines.", o => o.DeleteRequestCancelPeriod, (o, v) => o.DeleteRequestCancelPeriod = v),
        Duration("compactor.delete_max_interval", "compactor.delete-max-interval", "Largest max_interval a delete request may ask for (0: no limit).", o => o.DeleteMaxInterval, (o, v) => o.DeleteMaxInterval = v),
    ];

    private static string? Set(Action set)
    {
        set();
        return null;
    }

    private static ConfigOption Text(string path, string flag, string help, Func<LoggiaOptions, string> show, Func<LoggiaOptions, string, string?> apply) =>
        new(path, flag, help, apply, show);

    private static ConfigOption Integer(string path, string flag, string help, int min, int max, Func<LoggiaOptions, int> show, Action<LoggiaOptions, int> set) =>
        new(path, flag, help, (o, v) =>
            int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? Set(() => set(o, n))
                : $"'{v}' is not a whole number from {min} to {max}",
            o => show(o).ToString(CultureInfo.InvariantCulture));

    private static ConfigOption Number(string path, string flag, string help, Func<LoggiaOptions, double> show, Action<LoggiaOptions, double> set) =>
        new(path, flag, help, (o, v) =>
            double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0 && double.IsFinite(n)
                ? Set(() => set(o, n))
                : $"'{v}' is not a non-negative number",
            o => show(o).ToString(CultureInfo.InvariantCulture));

    private static ConfigOption Rate(string path, string flag, string help, Func<LoggiaOptions, double> show, Action<LoggiaOptions, double> set) =>
        new(path, flag, help, (o, v) =>
            double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0 && n < 1
                ? Set(() => set(o, n))
                : $"'{v}' is not a rate in [0, 1)",
            o => show(o).ToString(CultureInfo.InvariantCulture));

    private static ConfigOption Boolean(string path, string flag, string help, Func<LoggiaOptions, bool> show, Action<LoggiaOptions, bool> set) =>
        new(path, flag, help, (o, v) =>
            bool.TryParse(v, out var b) ? Set(() => set(o, b)) : $"'{v}' is not true or false",
            o => show(o) ? "true" : "false")
        {
            IsBoolean = true,
        };

    private static ConfigOption Size(string path, string flag, string help, long min, Func<LoggiaOptions, long> show, Action<LoggiaOptions, long> set) =>
        new(path, flag, help, (o, v) =>
            ByteSizeParser.TryParse(v, out var n) && n >= min
                ? Set(() => set(o, n))
                : $"'{v}' is not a byte size of at least {min} bytes (e.g. 256KB, 64MiB)",
            o => show(o).ToString(CultureInfo.InvariantCulture));

    private static ConfigOption Duration(string path, string flag, string help, Func<LoggiaOptions, TimeSpan> show, Action<LoggiaOptions, TimeSpan> set) =>
        new(path, flag, help, (o, v) =>
            DurationParser.TryParse(v, out var d) && d >= TimeSpan.Zero
                ? Set(() => set(o, d))
                : $"'{v}' is not a duration (e.g. 30s, 5m, 168h, 7d)",
            o => DurationParser.Format(show(o)));
}
