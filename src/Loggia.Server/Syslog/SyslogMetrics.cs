using System.Diagnostics.Metrics;
using Loggia.Core.Diagnostics;

namespace Loggia.Server.Syslog;

/// <summary>
/// Counters of the syslog receivers on the <c>Loggia.Syslog</c> meter, tagged with <c>transport</c> (tcp, tls, udp):
/// messages and bytes received, parse errors, truncated messages, dropped messages by <c>reason</c>, batches held back
/// by backpressure, and open connections.
/// </summary>
public sealed class SyslogMetrics : IDisposable
{
    /// <summary>Why messages were dropped before reaching the pipeline (the pipeline counts its own discards).</summary>
    public static class DropReasons
    {
        /// <summary>The message did not parse.</summary>
        public const string ParseError = "parse_error";

        /// <summary>The connection ended inside a frame.</summary>
        public const string BrokenFrame = "broken_frame";

        /// <summary>UDP only: the ingester was saturated (TCP waits instead).</summary>
        public const string IngesterBusy = "ingester_busy";

        /// <summary>The ingester failed (e.g. the WAL failed) or the server stopped before the batch was durable.</summary>
        public const string IngestFailed = "ingest_failed";
    }

    private readonly Meter _meter;
    private readonly Counter<long> _messages;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _parseErrors;
    private readonly Counter<long> _truncated;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _throttled;
    private readonly UpDownCounter<long> _connections;

    /// <summary>Creates the instruments on a meter of <paramref name="scope"/> (a private scope when null).</summary>
    public SyslogMetrics(MetricsScope? scope = null)
    {
        _meter = (scope ?? new MetricsScope()).CreateMeter("Loggia.Syslog");
        _messages = _meter.CreateCounter<long>("loggia_syslog_messages_received_total", "{message}", "Syslog messages framed, by transport.");
        _bytes = _meter.CreateCounter<long>("loggia_syslog_bytes_received_total", "By", "Bytes of syslog messages received, by transport.");
        _parseErrors = _meter.CreateCounter<long>("loggia_syslog_parse_errors_total", "{message}", "Syslog messages that did not parse, by transport.");
        _truncated = _meter.CreateCounter<long>("loggia_syslog_truncated_messages_total", "{message}", "Syslog messages cut to syslog.max_message_size, by transport.");
        _dropped = _meter.CreateCounter<long>("loggia_syslog_dropped_messages_total", "{message}", "Syslog messages dropped before the pipeline, by transport and reason.");
        _throttled = _meter.CreateCounter<long>("loggia_syslog_backpressure_waits_total", "{batch}", "Batches the ingester refused for now (TCP waits and retries; UDP drops).");
        _connections = _meter.CreateUpDownCounter<long>("loggia_syslog_connections", "{connection}", "Open syslog TCP connections.");
    }

    internal void Received(string transport, long messages, long bytes)
    {
        var tag = new KeyValuePair<string, object?>("transport", transport);
        _messages.Add(messages, tag);
        _bytes.Add(bytes, tag);
    }

    internal void ParseError(string transport)
    {
        _parseErrors.Add(1, new KeyValuePair<string, object?>("transport", transport));
        Dropped(transport, DropReasons.ParseError, 1);
    }

    internal void Truncated(string transport) => _truncated.Add(1, new KeyValuePair<string, object?>("transport", transport));

    internal void Dropped(string transport, string reason, long messages) =>
        _dropped.Add(messages, new KeyValuePair<string, object?>("transport", transport), new KeyValuePair<string, object?>("reason", reason));

    internal void Throttled(string transport) => _throttled.Add(1, new KeyValuePair<string, object?>("transport", transport));

    internal void ConnectionOpened(string transport) => _connections.Add(1, new KeyValuePair<string, object?>("transport", transport));

    internal void ConnectionClosed(string transport) => _connections.Add(-1, new KeyValuePair<string, object?>("transport", transport));

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();
}
