using System.Buffers;
using System.Globalization;
using System.Text;
using Loggia.Core.Model;
using Loggia.Ingest.Journald;
using Loggia.Server.Ingest;
using Loggia.Server.Ingest.Rules;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Loggia.Server.Http;

/// <summary>
/// systemd-journal-remote's receiving side for <c>systemd-journal-upload</c>: <c>POST /upload</c> with
/// <c>Content-Type: application/vnd.fdo.journal</c> (chunked, <c>Expect: 100-continue</c>). The body is read and
/// parsed as it arrives and ingested in batches, so an upload that follows a journal for hours is acknowledged
/// batch by batch into the WAL. Answers as journal-remote: 202 <c>OK.</c> (text/plain); 415 for another media type;
/// 400 for malformed export format and 413 for a field over the line-size limit or an entry over the message-size
/// limit (the entries before the bad one are kept, the rest of the body is not read); 400 when entries were refused
/// by validation; 503 with Retry-After under backpressure; 401 without a tenant when auth is on.
/// </summary>
public sealed class JournaldEndpoint(TenantResolver tenants, PushPipeline pipeline, long maxEntryBytes, long maxFieldBytes, TimeProvider time)
{
    /// <summary>The Journal Export Format's media type.</summary>
    public const string MediaType = "application/vnd.fdo.journal";

    /// <summary>Entries per ingest batch: large enough to share a WAL fsync, small enough to acknowledge a follow stream promptly.</summary>
    private const int BatchEntries = 2000;

    /// <summary>Line bytes per ingest batch.</summary>
    private const long BatchBytes = 4L * 1024 * 1024;

    private const int InitialBuffer = 64 * 1024;

    private readonly int _maxEntryBytes = (int)Math.Clamp(maxEntryBytes, InitialBuffer, Array.MaxLength - 1);
    private readonly int _maxFieldBytes = (int)Math.Clamp(maxFieldBytes <= 0 ? maxEntryBytes : maxFieldBytes, 1, Array.MaxLength - 1);

    /// <summary>Handles an upload.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (!IsJournalMediaType(request.ContentType))
        {
            await TextAsync(context, StatusCodes.Status415UnsupportedMediaType, $"Content-Type: {MediaType} is required (got \"{request.ContentType}\").");
            return;
        }

        if (!tenants.TryResolve(request, out var tenant, out var status, out var error))
        {
            await TextAsync(context, status, error!);
            return;
        }

        // An upload that follows a journal is one endless, mostly idle body: the limits are per entry instead.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = null;
        }

        var builder = new JournaldPushBuilder();
        var fields = new List<JournalField>();
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        int start = 0, end = 0, entries = 0, accepted = 0, rejected = 0;
        long offset = 0;
        var refusals = new List<string>();
        try
        {
            bool final = false;
            while (true)
            {
                while (true)
                {
                    var readStatus = JournalExportReader.TryReadEntry(buffer.AsSpan(start, end - start), final, _maxFieldBytes, fields, out var consumed, out var readError);
                    if (readStatus == JournalReadStatus.Entry)
                    {
                        builder.Add(buffer.AsSpan(start, end - start), fields, time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000);
                        entries++;
                        start += consumed;
                        offset += consumed;
                        if (builder.Count >= BatchEntries || builder.LineBytes >= BatchBytes)
                        {
                            if (await FlushAsync(context, tenant, builder, refusals) is not { } flushed)
                            {
                                return;
                            }

                            accepted += flushed.Accepted;
                            rejected += flushed.Rejected;
                        }

                        continue;
                    }

                    if (readStatus == JournalReadStatus.NeedMoreData)
                    {
                        break;
                    }

                    if (readStatus == JournalReadStatus.EndOfData)
                    {
                        if (await FlushAsync(context, tenant, builder, refusals) is not { } last)
                        {
                            return;
                        }

                        accepted += last.Accepted;
                        rejected += last.Rejected;
                        if (rejected > 0)
                        {
                            await TextAsync(context, StatusCodes.Status400BadRequest,
                                Invariant($"{accepted} entries were ingested; {rejected} were refused: ") + string.Join("; ", refusals));
                            return;
                        }

                        await TextAsync(context, StatusCodes.Status202Accepted, "OK.");
                        return;
                    }

                    // Malformed or too large: keep what came before, say where it went wrong.
                    if (await FlushAsync(context, tenant, builder, refusals) is not { } before)
                    {
                        return;
                    }

                    accepted += before.Accepted;
                    var code = readStatus == JournalReadStatus.FieldTooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest;
                    await TextAsync(context, code, Invariant($"entry {entries + 1} (byte {offset + consumed} of the body): {readError}; the {accepted} entries before it were ingested, the rest of the body was not read."));
                    return;
                }

                if (final)
                {
                    // The reader asks for more only when the input is not final.
                    throw new InvalidOperationException("journal reader wants more data after the end of the body");
                }

                // Keep the incomplete entry at the front, growing the buffer when the entry fills it.
                if (start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }

                if (end == Math.Min(buffer.Length, _maxEntryBytes))
                {
                    if (buffer.Length >= _maxEntryBytes)
                    {
                        await FlushAndRefuseAsync(context, tenant, builder, refusals, entries, offset, accepted);
                        return;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, _maxEntryBytes));
                    buffer.AsSpan(0, end).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read = await request.Body.ReadAsync(buffer.AsMemory(end, Math.Min(buffer.Length, _maxEntryBytes) - end), context.RequestAborted);
                if (read == 0)
                {
                    final = true;
                }

                end += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task FlushAndRefuseAsync(HttpContext context, TenantId tenant, JournaldPushBuilder builder, List<string> refusals, int entries, long offset, int accepted)
    {
        if (await FlushAsync(context, tenant, builder, refusals) is { } before)
        {
            await TextAsync(context, StatusCodes.Status413PayloadTooLarge,
                Invariant($"entry {entries + 1} (byte {offset} of the body) is larger than the limit of {_maxEntryBytes} bytes; the {accepted + before.Accepted} entries before it were ingested, the rest of the body was not read."));
        }
    }

    /// <summary>Ingests the batch; null (after answering 503) when the ingester is busy.</summary>
    private async Task<(int Accepted, int Rejected)?> FlushAsync(HttpContext context, TenantId tenant, JournaldPushBuilder builder, List<string> refusals)
    {
        if (builder.Count == 0)
        {
            return (0, 0);
        }

        var outcome = await pipeline.IngestAsync(tenant, IngestSource.Journald, builder.Build(), context.RequestAborted);
        if (outcome.IsBusy)
        {
            context.Response.Headers.RetryAfter = outcome.RetryAfterSeconds!.Value.ToString(CultureInfo.InvariantCulture);
            await TextAsync(context, StatusCodes.Status503ServiceUnavailable, outcome.BusyMessage!);
            return null;
        }

        // A few messages say what was wrong; a flood of them would only bury it.
        for (int i = 0; i < outcome.Messages.Count && refusals.Count < 10; i++)
        {
            refusals.Add(outcome.Messages[i]);
        }

        return (outcome.AcceptedEntries, outcome.RejectedEntries);
    }

    private static bool IsJournalMediaType(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var media = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
        return media.Equals(MediaType, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task TextAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(message + "\n"), context.RequestAborted);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
