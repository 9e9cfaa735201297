namespace Loggia.Server.Configuration;

/// <summary>
/// Every setting of a Loggia server, with its embedded default. Loaded by <see cref="ConfigLoader"/>
/// from a Loki-style YAML file, LOGGIA_* environment variables and Loki-style flags.
/// </summary>
public sealed class LoggiaOptions
{
    /// <summary>HTTP listen address (<c>server.http_listen_address</c>).</summary>
    public string HttpListenAddress { get; set; } = "127.0.0.1";

    /// <summary>HTTP listen port (<c>server.http_listen_port</c>).</summary>
    public int HttpListenPort { get; set; } = 3100;

    /// <summary>Minimum log level of the server's own logs (<c>server.log_level</c>).</summary>
    public string LogLevel { get; set; } = "info";

    /// <summary>Data directory (<c>common.path_prefix</c>).</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Multi-tenancy: when true a tenant header is required (<c>auth_enabled</c>); when false everything is tenant <c>fake</c>.</summary>
    public bool AuthEnabled { get; set; }

    /// <summary>WAL durability: <c>fsync</c> (acknowledge after fsync) or <c>none</c> (<c>wal.sync_mode</c>).</summary>
    public string WalSyncMode { get; set; } = "fsync";

    /// <summary>WAL segment size (<c>wal.segment_size</c>).</summary>
    public long WalSegmentSizeBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>WAL size beyond which the head is flushed early (<c>wal.max_size</c>).</summary>
    public long WalMaxSizeBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>A stream's head data older than this is flushed to a block (<c>ingester.max_chunk_age</c>).</summary>
    public TimeSpan MaxChunkAge { get; set; } = TimeSpan.FromHours(2);

    /// <summary>A stream idle for this long is flushed (<c>ingester.chunk_idle_period</c>).</summary>
    public TimeSpan ChunkIdlePeriod { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Head size per tenant that triggers a flush to a block (<c>ingester.flush_size</c>, Loggia).</summary>
    public long HeadFlushSizeBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>How far behind a stream's newest entry an entry may be and still be accepted: as in Loki 3, half of <see cref="MaxChunkAge"/>.</summary>
    public TimeSpan OutOfOrderWindow => MaxChunkAge / 2;

    /// <summary>
    /// Memory budget of the head: beyond it pushes are answered 429 with Retry-After until flushes
    /// catch up (<c>ingester.max_head_size</c>, Loggia). Default four flush sizes (256 MiB).
    /// </summary>
    public long HeadMaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>zstd level of blocks flushed from the head (<c>ingester.block_compression_level</c>, Loggia); compaction may recompress.</summary>
    public int FlushCompressionLevel { get; set; } = 1;

    /// <summary>False-positive rate of block token bloom filters (<c>storage.bloom_false_positive_rate</c>); 0 writes none.</summary>
    public double BloomFalsePositiveRate { get; set; } = 0.01;

    /// <summary>Whether blocks get term files and queries use the term → hour index (<c>storage.term_index_enabled</c>, Loggia, ADR 0005).</summary>
    public bool TermIndexEnabled { get; set; } = true;

    /// <summary>Interval of the term index refresh (<c>storage.term_index_refresh_interval</c>, Loggia). Default 10 minutes.</summary>
    public TimeSpan TermIndexRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The ingest rules of the config file (<c>ingest_rules</c>, Loggia), tried before each tenant's runtime patterns.</summary>
    public IReadOnlyList<Loggia.Server.Ingest.Rules.IngestRuleDefinition> IngestRules { get; set; } = [];

    /// <summary>Largest push body after decompression (<c>server.grpc_server_max_recv_msg_size</c> / <c>distributor.max_recv_msg_size</c>).</summary>
    public long MaxReceiveMessageBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Port of the OTLP/gRPC logs receiver, HTTP/2 cleartext on <see cref="HttpListenAddress"/> (<c>distributor.otlp_grpc_listen_port</c>, Loggia); 0 turns it off.</summary>
    public int OtlpGrpcListenPort { get; set; } = 4317;

    /// <summary>Syslog receivers (<c>syslog</c> section, Loggia).</summary>
    public SyslogOptions Syslog { get; } = new();

    /// <summary>Per-tenant limits (<c>limits_config</c>).</summary>
    public LimitsOptions Limits { get; } = new();

    /// <summary>Whether retention deletes expired data (<c>compactor.retention_enabled</c>); off by default, as in Loki.</summary>
    public bool RetentionEnabled { get; set; }

    /// <summary>How often retention runs (<c>compactor.compaction_interval</c>).</summary>
    public TimeSpan CompactionInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Size towards which the compactor merges small blocks of a tenant and hour (<c>compactor.compaction_target_size</c>;
    /// 0: no compaction). A merge holds its blocks' entries in memory, so this bounds the compactor's memory too.
    /// </summary>
    public long CompactionTargetSizeBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>zstd level of blocks written by compaction, retention and deletes (<c>compactor.compaction_compression_level</c>).</summary>
    public int CompactionCompressionLevel { get; set; } = 3;

    /// <summary>How long the files of a removed block stay for queries already reading them (<c>compactor.retention_delete_delay</c>).</summary>
    public TimeSpan RetentionDeleteDelay { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Where scheduled backups go (<c>backup.directory</c>); empty: no scheduled backups.</summary>
    public string BackupDirectory { get; set; } = "";

    /// <summary>How often a scheduled backup runs (<c>backup.interval</c>).</summary>
    public TimeSpan BackupInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How many snapshots scheduled backups keep (<c>backup.keep</c>; 0: all).</summary>
    public int BackupKeep { get; set; } = 7;

    /// <summary>The API key CLEF/Seq senders must present (<c>clef.api_key</c>); empty: none required. A secret: never logged.</summary>
    public string ClefApiKey { get; set; } = "";

    /// <summary>Document fields that become stream labels in Elasticsearch bulk ingestion (<c>elasticsearch.label_fields</c>).</summary>
    public IReadOnlyList<string> ElasticsearchLabelFields { get; set; } = ["service.name", "host.name"];

    /// <summary>How long a delete request can be cancelled before its lines are removed from blocks (<c>compactor.delete_request_cancel_period</c>).</summary>
    public TimeSpan DeleteRequestCancelPeriod { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The largest <c>max_interval</c> a delete request may give (<c>compactor.delete_max_interval</c>; 0: no limit).</summary>
    public TimeSpan DeleteMaxInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Per-tenant retention overrides (<c>overrides.&lt;tenant&gt;.retention_period</c> and <c>retention_stream</c>,
    /// the shape of Loki's runtime overrides file, here in the main file).
    /// </summary>
    public Dictionary<string, RetentionOverride> TenantOverrides { get; } = new(StringComparer.Ordinal);
}

/// <summary>One <c>retention_stream</c> rule as configured: a stream selector, its priority and its period.</summary>
public sealed record RetentionStreamOption(string Selector, int Priority, TimeSpan Period);

/// <summary>A tenant's retention settings that differ from <c>limits_config</c>; null keeps the default.</summary>
public sealed class RetentionOverride
{
    /// <summary>The tenant's <c>retention_period</c>.</summary>
    public TimeSpan? RetentionPeriod { get; set; }

    /// <summary>The tenant's <c>retention_stream</c> rules (replacing the default ones).</summary>
    public IReadOnlyList<RetentionStreamOption>? RetentionStream { get; set; }
}

/// <summary>Loki's per-tenant limits, with Loki's defaults.</summary>
public sealed class LimitsOptions
{
    /// <summary><c>limits_config.ingestion_rate_mb</c>.</summary>
    public double IngestionRateMB { get; set; } = 4;

    /// <summary><c>limits_config.ingestion_burst_size_mb</c>.</summary>
    public double IngestionBurstSizeMB { get; set; } = 6;

    /// <summary><c>limits_config.max_label_names_per_series</c>.</summary>
    public int MaxLabelNamesPerSeries { get; set; } = 15;

    /// <summary><c>limits_config.max_label_name_length</c>.</summary>
    public int MaxLabelNameLength { get; set; } = 1024;

    /// <summary><c>limits_config.max_label_value_length</c>.</summary>
    public int MaxLabelValueLength { get; set; } = 2048;

    /// <summary><c>limits_config.max_line_size</c> (0 = unlimited).</summary>
    public long MaxLineSizeBytes { get; set; } = 256 * 1024;

    /// <summary><c>limits_config.max_line_size_truncate</c>.</summary>
    public bool MaxLineSizeTruncate { get; set; }

    /// <summary><c>limits_config.reject_old_samples</c>.</summary>
    public bool RejectOldSamples { get; set; } = true;

    /// <summary><c>limits_config.reject_old_samples_max_age</c>.</summary>
    public TimeSpan RejectOldSamplesMaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary><c>limits_config.creation_grace_period</c>.</summary>
    public TimeSpan CreationGracePeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary><c>limits_config.max_entries_limit_per_query</c>.</summary>
    public int MaxEntriesLimitPerQuery { get; set; } = 5000;

    /// <summary><c>limits_config.max_query_series</c>.</summary>
    public int MaxQuerySeries { get; set; } = 500;

    /// <summary><c>limits_config.query_timeout</c>.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary><c>limits_config.max_query_length</c> (0 = unlimited).</summary>
    public TimeSpan MaxQueryLength { get; set; } = TimeSpan.FromDays(30) + TimeSpan.FromHours(1);

    /// <summary><c>limits_config.retention_period</c> (0 = keep forever).</summary>
    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.Zero;

    /// <summary><c>limits_config.retention_stream</c>: per-stream periods, chosen by priority.</summary>
    public IReadOnlyList<RetentionStreamOption> RetentionStream { get; set; } = [];

    /// <summary><c>limits_config.deletion_mode</c>: <c>disabled</c>, <c>filter-only</c> or <c>filter-and-delete</c> (Loki's default).</summary>
    public string DeletionMode { get; set; } = "filter-and-delete";

    /// <summary>
    /// <c>limits_config.max_rule_label_values</c> (Loggia): most distinct values a label created by an ingest rule may
    /// take per tenant; later values stay structured metadata. 0: no limit.
    /// </summary>
    public int MaxRuleLabelValues { get; set; } = 1000;
}

/// <summary>The syslog receivers: TCP (RFC 6587 framing, optional TLS) and UDP (<c>syslog</c> section, Loggia).</summary>
public sealed class SyslogOptions
{
    /// <summary>Listen address of both receivers (<c>syslog.listen_address</c>).</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>TCP port (<c>syslog.tcp_listen_port</c>); 0 picks a free port, -1 turns the receiver off.</summary>
    public int TcpListenPort { get; set; } = 1514;

    /// <summary>UDP port (<c>syslog.udp_listen_port</c>); 0 picks a free port, -1 turns the receiver off.</summary>
    public int UdpListenPort { get; set; } = 1514;

    /// <summary>Tenant the received messages belong to (<c>syslog.tenant</c>); <c>fake</c>, as with auth off.</summary>
    public string Tenant { get; set; } = "fake";

    /// <summary>Longest message kept whole (<c>syslog.max_message_size</c>); longer ones are cut to it and counted.</summary>
    public long MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>PEM certificate (chain) file; with <see cref="TlsKeyFile"/> the TCP receiver speaks TLS (<c>syslog.tls_cert_file</c>).</summary>
    public string TlsCertFile { get; set; } = "";

    /// <summary>PEM private key file of <see cref="TlsCertFile"/> (<c>syslog.tls_key_file</c>).</summary>
    public string TlsKeyFile { get; set; } = "";
}
