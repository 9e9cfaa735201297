using System.Text;
using Loggia.Core.Model;
using Loggia.Storage.Head;

namespace Loggia.Storage.Tests.Head;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public ManualTimeProvider()
        : this(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

internal static class HeadTestSupport
{
    public const long Second = 1_000_000_000L;

    /// <summary>2025-01-01T12:00:00Z in Unix nanoseconds.</summary>
    public const long BaseNanos = 1_735_732_800L * Second;

    public static readonly TenantId Tenant = TenantId.Create("team-a");

    public static LogEntry Entry(long ts, string line, params (string Name, string Value)[] metadata)
    {
        var pairs = new LabelPair[metadata.Length];
        for (int i = 0; i < metadata.Length; i++)
        {
            pairs[i] = new LabelPair(metadata[i].Name, metadata[i].Value);
        }

        return new LogEntry(ts, Encoding.UTF8.GetBytes(line), pairs);
    }

    public static List<(long Ts, string Line)> Read(HeadStreamSnapshot snapshot)
    {
        var list = new List<(long, string)>(snapshot.Count);
        for (int i = 0; i < snapshot.Count; i++)
        {
            list.Add((snapshot.Timestamp(i), Encoding.UTF8.GetString(snapshot.Line(i).Span)));
        }

        return list;
    }

    public static List<(long Ts, string Line)> ReadAll(Loggia.Storage.Head.Head head, TenantId tenant, Labels labels)
    {
        HeadSelection selection = head.Select(tenant, l => l == labels, long.MinValue, long.MaxValue);
        return selection.Count == 0 ? [] : Read(selection[0]);
    }

    public static void AssertSorted(HeadStreamSnapshot snapshot)
    {
        for (int i = 1; i < snapshot.Count; i++)
        {
            Assert.True(snapshot.Timestamp(i - 1) <= snapshot.Timestamp(i), $"unsorted at {i}");
        }
    }
}
