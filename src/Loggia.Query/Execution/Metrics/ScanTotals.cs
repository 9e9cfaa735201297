namespace Loggia.Query.Execution.Metrics;

/// <summary>Running totals of what a metric query's scans read (Loki's <c>stats.summary</c> counters).</summary>
internal sealed class ScanTotals
{
    public long Lines;
    public long Bytes;
    public long PostFilterLines;
    public long StructuredMetadataBytes;
}
