namespace Loggia.Storage.Wal;

/// <summary>
/// Bounds the bytes accepted but not yet durable. Appends take bytes from it before they are queued and the
/// writer gives them back once the batch is durable, so memory pinned by the WAL stays bounded whatever the
/// ingest rate. Waiters are served first-in first-out, so a large record cannot starve behind small ones.
/// </summary>
internal sealed class PendingBytesBudget
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private long _used;
    private Exception? _failure;

    public PendingBytesBudget(long limit) => Limit = limit;

    public long Limit { get; }

    public long Used => Interlocked.Read(ref _used);

    /// <summary>True when an append arriving now would have to wait.</summary>
    public bool IsSaturated
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count > 0 || _used >= Limit;
            }
        }
    }

    /// <summary>Takes <paramref name="bytes"/> if they fit right now and nobody is queued before us.</summary>
    public bool TryAcquire(int bytes)
    {
        lock (_lock)
        {
            if (_failure is null && _waiters.Count == 0 && _used + bytes <= Limit)
            {
                Interlocked.Add(ref _used, bytes);
                return true;
            }

            return false;
        }
    }

    /// <summary>Waits until <paramref name="bytes"/> fit, in arrival order. Cancellation leaves nothing taken.</summary>
    public async ValueTask AcquireAsync(int bytes, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_lock)
        {
            if (_failure is not null)
            {
                throw _failure;
            }

            if (_waiters.Count == 0 && _used + bytes <= Limit)
            {
                Interlocked.Add(ref _used, bytes);
                return;
            }

            waiter = new Waiter(this, bytes);
            waiter.Node = _waiters.AddLast(waiter);
        }

        using (cancellationToken.UnsafeRegister(static (state, token) => ((Waiter)state!).Cancel(token), waiter))
        {
            await waiter.Completion.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Gives back bytes of records that are now durable (or failed) and admits waiters that fit.</summary>
    public void Release(long bytes)
    {
        lock (_lock)
        {
            Interlocked.Add(ref _used, -bytes);
            GrantLocked();
        }
    }

    /// <summary>Fails every current and future waiter with <paramref name="failure"/>.</summary>
    public void Fail(Exception failure)
    {
        lock (_lock)
        {
            _failure ??= failure;
            while (_waiters.First is { } node)
            {
                _waiters.RemoveFirst();
                node.Value.Completion.TrySetException(_failure);
            }
        }
    }

    private void GrantLocked()
    {
        // Strict FIFO: stop at the first waiter that does not fit.
        while (_waiters.First is { } node && _used + node.Value.Bytes <= Limit)
        {
            _waiters.RemoveFirst();
            Interlocked.Add(ref _used, node.Value.Bytes);
            node.Value.Completion.TrySetResult();
        }
    }

    private sealed class Waiter(PendingBytesBudget owner, int bytes)
    {
        // Continuations must not run inside the budget's lock or on the writer thread.
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Bytes { get; } = bytes;

        public LinkedListNode<Waiter>? Node { get; set; }

        public void Cancel(CancellationToken token)
        {
            lock (owner._lock)
            {
                // Already granted (or failed): the grant stands and the append goes ahead.
                if (Node?.List is null)
                {
                    return;
                }

                owner._waiters.Remove(Node);

                // The head may have been the one blocking smaller waiters behind it.
                owner.GrantLocked();
            }

            Completion.TrySetCanceled(token);
        }
    }
}
