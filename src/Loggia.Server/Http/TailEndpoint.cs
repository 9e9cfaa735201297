using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Loggia.Core.Model;
using Loggia.Query.Execution;
using Loggia.Query.Execution.Pipeline;
using Loggia.Query.Http;
using Loggia.Query.LogQL.Syntax;
using Loggia.Server.Storage;
using Loggia.Server.Tail;
using Microsoft.AspNetCore.Http;

namespace Loggia.Server.Http;

/// <summary>
/// <c>/loki/api/v1/tail</c> and the legacy <c>/api/prom/tail</c>: a WebSocket that first sends the newest
/// <c>limit</c> entries since <c>start</c> (oldest first), then live entries as pushes are acknowledged, filtered by
/// the query's selector and pipeline. <c>delay_for</c> (at most 5 s) holds live entries back that long so that late
/// entries can be sent in time order; entries a slow client could not take are reported in <c>dropped_entries</c>.
/// Bad parameters are Loki's 400 before the upgrade.
/// </summary>
public sealed class TailEndpoint(StorageEngine storage, TenantResolver tenants, QuerySources sources, TailBroadcaster broadcaster, TimeProvider time)
{
    /// <summary>Loki's upper bound of <c>delay_for</c>, seconds.</summary>
    public const int MaxDelayForSeconds = 5;

    /// <summary>How often queued live entries are examined and sent (and the connection checked).</summary>
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    private readonly LogQueryEngine _engine = new(time);

    private long NowNanos => time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;

    /// <summary>Handles <c>/loki/api/v1/tail</c>.</summary>
    public Task TailAsync(HttpContext context) => HandleAsync(context, legacy: false);

    /// <summary>Handles the legacy <c>/api/prom/tail</c> (legacy frame format).</summary>
    public Task LegacyTailAsync(HttpContext context) => HandleAsync(context, legacy: true);

    private async Task HandleAsync(HttpContext context, bool legacy)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await ReadRequest.BeginAsync(context, tenants) is not var (tenant, form))
        {
            return;
        }

        if (!TryParse(form, out var request, out var error))
        {
            await ReadRequest.BadRequestAsync(context, error);
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            // gorilla/websocket's answer to a plain HTTP request, which Loki returns.
            await ReadRequest.BadRequestAsync(context, "websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header");
            return;
        }

        // Subscribe before reading history, so nothing pushed in between is missed (duplicates are removed below).
        using var subscription = broadcaster.Subscribe(tenant);
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var receiving = ReceiveUntilClosedAsync(socket, closed);
        try
        {
            var processor = request.Pipeline.CreateProcessor();
            var history = await ReadHistoryAsync(tenant, request, closed.Token);
            if (history.Streams.Count > 0)
            {
                await SendAsync(socket, Reverse(history.Streams), [], legacy, closed.Token);
            }

            var seen = HistoryKeys(history);
            var cutoff = MaxTimestamp(history);
            var pending = new List<(Labels Labels, LogEntry Entry, long ReceivedNanos)>();
            while (!closed.IsCancellationRequested && socket.State == WebSocketState.Open)
            {
                using (var tick = CancellationTokenSource.CreateLinkedTokenSource(closed.Token))
                {
                    tick.CancelAfter(FlushInterval);
                    try
                    {
                        await subscription.WaitToReadAsync(tick.Token);
                    }
                    catch (OperationCanceledException) when (!closed.IsCancellationRequested)
                    {
                        // the flush interval passed without new entries
                    }
                }

                var now = NowNanos;
                while (subscription.TryRead(out var stream))
                {
                    if (!request.Matcher.Matches(stream.Labels))
                    {
                        continue;
                    }

                    foreach (var entry in stream.Entries)
                    {
                        if (entry.TimestampNanos <= cutoff && seen.Contains((stream.Labels, entry.TimestampNanos, Convert.ToBase64String(entry.Line.Span))))
                        {
                            continue;
                        }

                        if (processor.Process(entry.TimestampNanos, entry.Line.Span, stream.Labels, entry.StructuredMetadata.Span))
                        {
                            pending.Add((processor.Labels.All, entry.WithLine(processor.Line.ToArray()), now));
                        }
                    }
                }

                var ready = TakeReady(pending, now - (request.DelayForSeconds * 1_000_000_000L));
                var dropped = subscription.TakeDropped();
                if (ready.Count > 0 || dropped.Count > 0)
                {
                    await SendAsync(socket, ready, dropped.ConvertAll(d => (d.Labels, d.TimestampNanos)), legacy, closed.Token);
                }
            }

        }
        catch (OperationCanceledException) when (closed.IsCancellationRequested)
        {
            // the client went away
        }
        catch (WebSocketException)
        {
            // the connection broke
        }
        catch (Exception e) when (e is NotSupportedException or TimeoutException or IOException or Loggia.Storage.Blocks.BlockCorruptException)
        {
            // Loki closes the socket with the error as the close reason (1011).
            await CloseQuietlyAsync(socket, WebSocketCloseStatus.InternalServerError, Truncate(e.Message));
        }
        finally
        {
            // Close our side, give the client a moment to answer, then stop reading (which aborts the socket).
            await CloseQuietlyAsync(socket, WebSocketCloseStatus.NormalClosure, "");
            await Task.WhenAny(receiving, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None));
            await closed.CancelAsync();
            await receiving;
        }
    }

    /// <summary>Sends a close frame unless one was sent already (the receive loop may still be reading, so no CloseAsync).</summary>
    private static async Task CloseQuietlyAsync(WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            await socket.CloseOutputAsync(status, reason, CancellationToken.None);
        }
        catch (WebSocketException)
        {
            // the connection is gone already
        }
    }

    private bool TryParse(IQueryCollection form, out TailRequest request, out string error)
    {
        request = null!;
        LogSelectorExpr selector;
        try
        {
            if (LogQLParser.Parse(form["query"].ToString()) is not LogSelectorExpr logSelector)
            {
                error = "tail queries must be log queries";
                return false;
            }

            selector = logSelector;
        }
        catch (LogQLParseException e)
        {
            error = e.Message;
            return false;
        }

        if (!TryParseInt(form["limit"].ToString(), LokiQueryParameters.DefaultLimit, out var limit, out error)
            || !TryParseInt(form["delay_for"].ToString(), 0, out var delayFor, out error))
        {
            return false;
        }

        if (limit <= 0)
        {
            error = "limit must be a positive value";
            return false;
        }

        var maxLimit = storage.Options.Limits.MaxEntriesLimitPerQuery;
        if (limit > maxLimit)
        {
            error = $"max entries limit per query exceeded, limit > max_entries_limit_per_query ({limit} > {maxLimit})";
            return false;
        }

        if (delayFor > MaxDelayForSeconds)
        {
            error = $"delay_for can't be greater than {MaxDelayForSeconds}";
            return false;
        }

        var now = NowNanos;
        if (!LokiQueryParameters.TryParseTimestamp(form["start"].ToString(), now - (LokiQueryParameters.DefaultSince.Ticks * 100), out var start, out error))
        {
            return false;
        }

        LogPipeline pipeline;
        try
        {
            pipeline = LogPipeline.Compile(selector);
        }
        catch (Exception e) when (e is NotSupportedException or LogQLParseException)
        {
            error = e.Message;
            return false;
        }

        request = new TailRequest(selector, StreamMatcher.Compile(selector.Matchers), pipeline, limit, Math.Max(0, delayFor), start);
        return true;
    }

    private static bool TryParseInt(string value, int defaultValue, out int result, out string error)
    {
        error = "";
        result = defaultValue;
        if (value.Length == 0 || int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result))
        {
            return true;
        }

        error = $"strconv.Atoi: parsing \"{value}\": invalid syntax";
        return false;
    }

    /// <summary>The newest <c>limit</c> entries from <c>start</c> to now, as Loki's tailer reads them before going live.</summary>
    private async Task<LogQueryResult> ReadHistoryAsync(TenantId tenant, TailRequest request, CancellationToken cancellationToken)
    {
        var end = NowNanos + 1;
        if (request.StartNanos >= end)
        {
            return new LogQueryResult([], new QueryStatistics());
        }

        var opened = await sources.OpenAsync(tenant, request.Matcher, request.Pipeline.LineFilters, request.StartNanos, end, cancellationToken);
        return _engine.Execute(
            new LogQueryRequest
            {
                Tenant = tenant,
                Expression = request.Selector,
                StartNanos = request.StartNanos,
                EndNanos = end,
                Limit = request.Limit,
                Direction = QueryDirection.Backward,
                Timeout = storage.Options.Limits.QueryTimeout,
            },
            opened,
            cancellationToken);
    }

    /// <summary>History streams with their entries oldest first (the engine returns them newest first).</summary>
    private static List<StreamResult> Reverse(IReadOnlyList<StreamResult> streams)
    {
        var result = new List<StreamResult>(streams.Count);
        foreach (var stream in streams)
        {
            var entries = new List<LogEntry>(stream.Entries);
            entries.Reverse();
            result.Add(new StreamResult(stream.Labels, entries));
        }

        return result;
    }

    private static HashSet<(Labels, long, string)> HistoryKeys(LogQueryResult history)
    {
        var keys = new HashSet<(Labels, long, string)>();
        foreach (var stream in history.Streams)
        {
            foreach (var entry in stream.Entries)
            {
                keys.Add((stream.Labels, entry.TimestampNanos, Convert.ToBase64String(entry.Line.Span)));
            }
        }

        return keys;
    }

    private static long MaxTimestamp(LogQueryResult history)
    {
        var max = long.MinValue;
        foreach (var stream in history.Streams)
        {
            foreach (var entry in stream.Entries)
            {
                max = Math.Max(max, entry.TimestampNanos);
            }
        }

        return max;
    }

    /// <summary>Removes and groups the entries received before <paramref name="receivedBefore"/>, in time order per stream.</summary>
    private static List<StreamResult> TakeReady(List<(Labels Labels, LogEntry Entry, long ReceivedNanos)> pending, long receivedBefore)
    {
        if (pending.Count == 0)
        {
            return [];
        }

        var byStream = new Dictionary<Labels, List<LogEntry>>();
        var order = new List<Labels>();
        pending.RemoveAll(p =>
        {
            if (p.ReceivedNanos > receivedBefore)
            {
                return false;
            }

            if (!byStream.TryGetValue(p.Labels, out var entries))
            {
                byStream[p.Labels] = entries = [];
                order.Add(p.Labels);
            }

            entries.Add(p.Entry);
            return true;
        });

        var result = new List<StreamResult>(order.Count);
        foreach (var labels in order)
        {
            var entries = byStream[labels];
            entries.Sort(static (a, b) => a.TimestampNanos.CompareTo(b.TimestampNanos));
            result.Add(new StreamResult(labels, entries));
        }

        return result;
    }

    private static async Task SendAsync(WebSocket socket, IReadOnlyList<StreamResult> streams, IReadOnlyList<(Labels, long)> dropped, bool legacy, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        await using (var writer = new Utf8JsonWriter(buffer, LokiResponseWriter.WriterOptions))
        {
            TailResponseWriter.WriteFrame(writer, streams, dropped, legacy);
        }

        await socket.SendAsync(buffer.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
    }

    /// <summary>Reads (and discards) client frames until the client closes, then cancels <paramref name="closed"/>.</summary>
    private static async Task ReceiveUntilClosedAsync(WebSocket socket, CancellationTokenSource closed)
    {
        var buffer = new byte[1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, closed.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // closing anyway
        }

        await closed.CancelAsync();
    }

    /// <summary>A WebSocket close reason is at most 123 bytes.</summary>
    private static string Truncate(string message) => message.Length <= 120 ? message : message[..120];

    private sealed record TailRequest(LogSelectorExpr Selector, StreamMatcher Matcher, LogPipeline Pipeline, int Limit, int DelayForSeconds, long StartNanos);
}
