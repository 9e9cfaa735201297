namespace Loggia.Cli.Agent;

/// <summary>What the agent did, counted (logged at shutdown): nothing is dropped without a count.</summary>
internal sealed class AgentCounters
{
    private long _sent;
    private long _dropped;
    private long _truncated;
    private long _retries;

    public long Sent => Volatile.Read(ref _sent);

    public long Dropped => Volatile.Read(ref _dropped);

    public long Truncated => Volatile.Read(ref _truncated);

    public long Retries => Volatile.Read(ref _retries);

    public void AddSent(long entries) => Interlocked.Add(ref _sent, entries);

    public void AddDropped(long entries) => Interlocked.Add(ref _dropped, entries);

    public void AddTruncated(long lines) => Interlocked.Add(ref _truncated, lines);

    public void AddRetry() => Interlocked.Increment(ref _retries);
}
