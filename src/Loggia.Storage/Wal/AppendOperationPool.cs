using System.Collections.Concurrent;

namespace Loggia.Storage.Wal;

/// <summary>A small bounded pool of <see cref="AppendOperation"/>s; beyond the bound they are left to the GC.</summary>
internal sealed class AppendOperationPool
{
    // Enough for hundreds of concurrent push requests; more would only keep garbage alive.
    private const int MaxPooled = 1024;

    private readonly ConcurrentQueue<AppendOperation> _items = new();
    private int _count;

    public AppendOperation Rent()
    {
        if (_items.TryDequeue(out AppendOperation? item))
        {
            Interlocked.Decrement(ref _count);
            return item;
        }

        return new AppendOperation(this);
    }

    public void Return(AppendOperation item)
    {
        if (Interlocked.Increment(ref _count) <= MaxPooled)
        {
            _items.Enqueue(item);
        }
        else
        {
            Interlocked.Decrement(ref _count);
        }
    }
}
