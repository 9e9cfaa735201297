using System.Threading.Tasks.Sources;

namespace Loggia.Storage.Wal;

/// <summary>
/// One queued append and the awaitable its caller holds. Instances are pooled and reused through
/// <see cref="IValueTaskSource{TResult}"/>, so an append allocates nothing in the steady state.
/// </summary>
internal sealed class AppendOperation : IValueTaskSource<WalPosition>
{
    private readonly AppendOperationPool _pool;

    // Continuations run on the thread pool, never inline on the writer thread (which must get back to writing).
    private ManualResetValueTaskSourceCore<WalPosition> _core = new() { RunContinuationsAsynchronously = true };

    public AppendOperation(AppendOperationPool pool) => _pool = pool;

    public byte Type { get; private set; }

    /// <summary>The caller's payload; the caller must not change it until the append completes.</summary>
    public ReadOnlyMemory<byte> Payload { get; private set; }

    /// <summary>Header plus payload: what the record takes on disk and from the pending budget.</summary>
    public int RecordBytes => WalFormat.RecordHeaderSize + Payload.Length;

    public WalPosition Position { get; set; }

    public short Version => _core.Version;

    public void Initialize(byte type, ReadOnlyMemory<byte> payload)
    {
        Type = type;
        Payload = payload;
    }

    public void Succeed() => _core.SetResult(Position);

    public void Fault(Exception exception) => _core.SetException(exception);

    public WalPosition GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            // The awaiter has its result: drop the caller's buffer and recycle.
            Payload = default;
            Position = default;
            _core.Reset();
            _pool.Return(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
