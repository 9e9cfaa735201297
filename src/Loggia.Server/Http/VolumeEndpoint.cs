using System.Globalization;
using System.Text.Json;
using Loggia.Core.Model;
using Loggia.Query.Execution;
using Loggia.Query.Http;
using Loggia.Query.LogQL.Syntax;
using Microsoft.AspNetCore.Http;

namespace Loggia.Server.Http;

/// <summary>
/// <c>/loki/api/v1/index/volume</c> (one value per series at <c>end</c>, Prometheus vector) and
/// <c>/loki/api/v1/index/volume_range</c> (one value per <c>step</c> bucket, stamped with the bucket's end; a
/// matrix unless every series has a single value, as Loki does). Volume is the line bytes of the matching streams,
/// aggregated as Loki does: <c>aggregateBy=series</c> (default) by the label values of the selector's label names
/// (all labels for <c>{}</c>) or of <c>targetLabels</c> (streams without a target label are left out);
/// <c>aggregateBy=labels</c> by label name, value <c>""</c>. The <c>limit</c> (default 100) largest per bucket.
/// </summary>
public sealed class VolumeEndpoint(TenantResolver tenants, QuerySources sources, TimeProvider time)
{
    /// <summary>Loki's default number of series returned.</summary>
    public const int DefaultLimit = 100;

    private long NowNanos => time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;

    /// <summary><c>/loki/api/v1/index/volume</c>.</summary>
    public Task VolumeAsync(HttpContext context) => HandleAsync(context, range: false);

    /// <summary><c>/loki/api/v1/index/volume_range</c>.</summary>
    public Task VolumeRangeAsync(HttpContext context) => HandleAsync(context, range: true);

    /// <summary>A selector of matchers only; <c>{}</c> (match everything) is allowed here, as in Loki's volume and stats.</summary>
    internal static bool TryParseSelector(string query, out SyntaxList<LabelMatcher> matchers, out string error)
    {
        error = "";
        if (query.Replace(" ", "", StringComparison.Ordinal) == "{}")
        {
            matchers = new SyntaxList<LabelMatcher>([]);
            return true;
        }

        try
        {
            matchers = LogQLParser.ParseMatchers(query);
            return true;
        }
        catch (LogQLParseException e)
        {
            matchers = null!;
            error = e.Message;
            return false;
        }
    }

    private async Task HandleAsync(HttpContext context, bool range)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await ReadRequest.BeginAsync(context, tenants) is not var (tenant, form))
        {
            return;
        }

        if (!TryParse(form, range, out var request, out var error))
        {
            await ReadRequest.BadRequestAsync(context, error);
            return;
        }

        var bucketEnds = BucketEnds(request);
        var volumes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var nameOf = new Dictionary<Labels, string[]>();
        await sources.ScanAsync(tenant, request.Matcher, LinePipeline.Compile(new MatchersExpr(request.Matchers)), request.Start, request.End + 1, QueryDirection.Forward, cursor =>
        {
            if (!nameOf.TryGetValue(cursor.Labels, out var names))
            {
                nameOf[cursor.Labels] = names = NamesOf(cursor.Labels, request);
            }

            while (cursor.TryReadBatch(out var batch))
            {
                foreach (var entry in batch.Span)
                {
                    var bucket = BucketOf(entry.TimestampNanos, request, bucketEnds.Length);
                    foreach (var name in names)
                    {
                        if (!volumes.TryGetValue(name, out var perBucket))
                        {
                            volumes[name] = perBucket = new long[bucketEnds.Length];
                        }

                        perBucket[bucket] += entry.Line.Length;
                    }
                }
            }

            return true;
        }, context.RequestAborted);

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        Write(writer, Limit(volumes, bucketEnds.Length, request.Limit), bucketEnds, request.AggregateBySeries);
        await writer.FlushAsync(context.RequestAborted);
    }

    private bool TryParse(IQueryCollection form, bool range, out VolumeRequest request, out string error)
    {
        request = null!;
        if (!ReadRequest.TryParseBounds(form, NowNanos, LokiQueryParameters.DefaultSince, out var start, out var end, out error)
            || !TryParseSelector(form["query"].ToString(), out var matchers, out error))
        {
            return false;
        }

        var limit = DefaultLimit;
        var limitText = form["limit"].ToString();
        if (limitText.Length > 0 && !int.TryParse(limitText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit))
        {
            error = $"strconv.Atoi: parsing \"{limitText}\": invalid syntax";
            return false;
        }

        if (limit == 0)
        {
            limit = DefaultLimit;
        }
        else if (limit < 0)
        {
            error = "limit must be a positive value";
            return false;
        }

        var aggregateBy = form["aggregateBy"].ToString();
        if (aggregateBy.Length > 0 && aggregateBy is not ("series" or "labels"))
        {
            error = "invalid aggregation option";
            return false;
        }

        var step = end - start;
        if (range)
        {
            var stepText = form["step"].ToString();
            if (!TryParseStep(stepText, start, end, out step, out error))
            {
                return false;
            }
        }

        var targets = form["targetLabels"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
        var effective = new List<LabelMatcher>(matchers);
        foreach (var target in targets)
        {
            // Loki adds target=~".+" for a target the selector does not constrain: such streams have no series name.
            if (!effective.Exists(m => m.Name == target))
            {
                effective.Add(new LabelMatcher(target, MatchOperator.Regex, ".+"));
            }
        }

        request = new VolumeRequest(matchers, StreamMatcher.Compile(effective), start, end, Math.Max(step, 1), limit, targets, aggregateBy != "labels");
        return true;
    }

    private static bool TryParseStep(string text, long start, long end, out long stepNanos, out string error)
    {
        error = "";
        stepNanos = 0;
        TimeSpan step;
        if (text.Length == 0)
        {
            step = TimeSpan.FromSeconds(Math.Max(Math.Floor((end - start) / 1e9 / 250), 1));
        }
        else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            step = TimeSpan.FromSeconds(seconds);
        }
        else if (!Loggia.Core.Units.DurationParser.TryParse(text, out step))
        {
            error = $"cannot parse \"{text}\" to a valid duration";
            return false;
        }

        if (step <= TimeSpan.Zero)
        {
            error = "zero or negative query resolution step widths are not accepted. Try a positive integer";
            return false;
        }

        stepNanos = step.Ticks * 100;
        if ((end - start) / stepNanos > LokiQueryParameters.MaxPointsPerSeries)
        {
            error = "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)";
            return false;
        }

        return true;
    }

    /// <summary>Bucket ends: start+step, start+2·step, … capped at end (Loki stamps each bucket with its end).</summary>
    private static long[] BucketEnds(VolumeRequest request)
    {
        var ends = new List<long>();
        for (var from = request.Start; ; from += request.Step)
        {
            var to = Math.Min(from + request.Step, request.End);
            ends.Add(to);
            if (to >= request.End)
            {
                break;
            }
        }

        return [.. ends];
    }

    private static int BucketOf(long timestamp, VolumeRequest request, int buckets) =>
        (int)Math.Clamp((timestamp - request.Start) / request.Step, 0, buckets - 1);

    /// <summary>The series names (Loki's label strings, or label names) a stream's volume is added to.</summary>
    private static string[] NamesOf(Labels labels, VolumeRequest request)
    {
        var includeAll = request.Targets.Length == 0 && request.Matchers.Count == 0;
        var wanted = request.Targets.Length > 0 ? new HashSet<string>(request.Targets, StringComparer.Ordinal) : request.Matchers.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var kept = new List<LabelPair>();
        foreach (var pair in labels.Pairs)
        {
            if (includeAll || wanted.Contains(pair.Name))
            {
                kept.Add(pair);
            }
        }

        if (request.AggregateBySeries)
        {
            return [Labels.Create(kept.ToArray()).ToString()];
        }

        // By label name: every label of the stream, or only the targets when given.
        return request.Targets.Length > 0 ? kept.ConvertAll(p => p.Name).ToArray() : labels.Pairs.ToArray().Select(p => p.Name).ToArray();
    }

    /// <summary>Per bucket, only the <paramref name="limit"/> largest series (ties by name) keep their value, as Loki's per-bucket limit.</summary>
    private static List<(string Name, List<(int Bucket, long Bytes)> Samples)> Limit(Dictionary<string, long[]> volumes, int buckets, int limit)
    {
        var samples = new Dictionary<string, List<(int, long)>>(StringComparer.Ordinal);
        for (var b = 0; b < buckets; b++)
        {
            var bucket = b;
            var ranked = volumes.Where(v => v.Value[bucket] > 0)
                .OrderByDescending(v => v.Value[bucket]).ThenBy(v => v.Key, StringComparer.Ordinal).Take(limit);
            foreach (var (name, perBucket) in ranked)
            {
                if (!samples.TryGetValue(name, out var list))
                {
                    samples[name] = list = [];
                }

                list.Add((bucket, perBucket[bucket]));
            }
        }

        // Loki sorts series by their first value, largest first, then by name.
        return samples.Select(s => (s.Key, s.Value))
            .OrderByDescending(s => s.Value[0].Item2).ThenBy(s => s.Key, StringComparer.Ordinal).ToList();
    }

    private static void Write(Utf8JsonWriter writer, List<(string Name, List<(int Bucket, long Bytes)> Samples)> series, long[] bucketEnds, bool bySeries)
    {
        var matrix = series.Exists(s => s.Samples.Count > 1);
        writer.WriteStartObject();
        writer.WriteString("status", "success");
        writer.WritePropertyName("data");
        writer.WriteStartObject();
        writer.WriteString("resultType", matrix ? "matrix" : "vector");
        writer.WritePropertyName("result");
        writer.WriteStartArray();
        foreach (var (name, samples) in series)
        {
            writer.WriteStartObject();
            writer.WritePropertyName("metric");
            writer.WriteStartObject();
            if (bySeries)
            {
                foreach (var pair in Labels.Parse(name).Pairs)
                {
                    writer.WriteString(pair.Name, pair.Value);
                }
            }
            else
            {
                writer.WriteString(name, "");
            }

            writer.WriteEndObject();
            if (matrix)
            {
                writer.WritePropertyName("values");
                writer.WriteStartArray();
                foreach (var (bucket, bytes) in samples)
                {
                    WriteSample(writer, bucketEnds[bucket], bytes);
                }

                writer.WriteEndArray();
            }
            else
            {
                writer.WritePropertyName("value");
                WriteSample(writer, bucketEnds[samples[0].Bucket], samples[0].Bytes);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WritePropertyName("stats");
        LokiResponseWriter.WriteStatistics(writer, new QueryStatistics());
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>A Prometheus sample: <c>[seconds (millisecond precision), "value"]</c>.</summary>
    internal static void WriteSample(Utf8JsonWriter writer, long timestampNanos, long value)
    {
        writer.WriteStartArray();
        var millis = timestampNanos / 1_000_000;
        writer.WriteRawValue((millis / 1000m).ToString("0.###", CultureInfo.InvariantCulture));
        writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
        writer.WriteEndArray();
    }

    private sealed record VolumeRequest(SyntaxList<LabelMatcher> Matchers, StreamMatcher Matcher, long Start, long End, long Step, int Limit, string[] Targets, bool AggregateBySeries);
}
