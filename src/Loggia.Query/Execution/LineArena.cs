namespace Loggia.Query.Execution;

/// <summary>
/// Copies result lines into large shared chunks, so a result of many lines costs a few allocations rather than
/// one per line. Sources reuse their buffers, so every returned line must be copied out.
/// </summary>
internal sealed class LineArena
{
    private const int ChunkSize = 64 * 1024;
    private byte[] _chunk = [];
    private int _used;

    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            return ReadOnlyMemory<byte>.Empty;
        }
        if (line.Length > ChunkSize / 4)
        {
            return line.ToArray(); // large lines get their own array rather than wasting chunk tails
        }
        if (_chunk.Length - _used < line.Length)
        {
            _chunk = new byte[ChunkSize];
            _used = 0;
        }
        var target = _chunk.AsMemory(_used, line.Length);
        line.CopyTo(target.Span);
        _used += line.Length;
        return target;
    }
}
