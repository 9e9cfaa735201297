using System.Text;
using Loggia.Core.Model;
using Loggia.Core.IO;

namespace Loggia.Storage.Head;

/// <summary>
/// Encodes one tenant's accepted entries into a head WAL record payload (format: <c>docs/formats/head-wal-records.md</c>).
/// Reusable: <see cref="Reset"/> starts the next record in the same buffer.
/// </summary>
/// <remarks>
/// The payload is a view of the writer's buffer: keep it unchanged (do not reset or reuse the writer) until the
/// WAL append that carries it has completed, since the WAL copies it on its writer thread.
/// </remarks>
public sealed class HeadWalRecordWriter
{
    private byte[] _buffer;
    private int _length;
    private bool _started;

    /// <summary>Creates a writer with a buffer of <paramref name="initialCapacity"/> bytes (it grows as needed).</summary>
    public HeadWalRecordWriter(int initialCapacity = 64 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initialCapacity, 16);
        _buffer = new byte[initialCapacity];
    }

    /// <summary>The record type byte to pass to the WAL with <see cref="Payload"/>.</summary>
    public static byte RecordType => HeadWalRecord.EntriesRecordType;

    /// <summary>The encoded payload so far.</summary>
    public ReadOnlyMemory<byte> Payload => _buffer.AsMemory(0, _length);

    /// <summary>Number of streams added since <see cref="Reset"/>.</summary>
    public int StreamCount { get; private set; }

    /// <summary>Number of entries added since <see cref="Reset"/>.</summary>
    public int EntryCount { get; private set; }

    /// <summary>Starts a new payload for <paramref name="tenant"/>.</summary>
    public void Reset(TenantId tenant)
    {
        _length = 0;
        StreamCount = 0;
        EntryCount = 0;
        WriteByte(HeadWalRecord.FormatVersion);
        WriteString(tenant.Value);
        _started = true;
    }

    /// <summary>
    /// Adds a stream's entries; with <paramref name="outcomes"/> (from <see cref="Head.Append"/>), only those that
    /// were <see cref="HeadAppendOutcome.Appended"/>. A stream with nothing to write is left out.
    /// </summary>
    /// <returns>The number of entries written.</returns>
    public int AddStream(Labels labels, ReadOnlySpan<LogEntry> entries, ReadOnlySpan<HeadAppendOutcome> outcomes = default)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (!_started)
        {
            throw new InvalidOperationException("Call Reset(tenant) before adding streams.");
        }

        if (!outcomes.IsEmpty && outcomes.Length < entries.Length)
        {
            throw new ArgumentException("Need one outcome per entry.", nameof(outcomes));
        }

        int count = entries.Length;
        if (!outcomes.IsEmpty)
        {
            count = 0;
            for (int i = 0; i < entries.Length; i++)
            {
                if (outcomes[i] == HeadAppendOutcome.Appended)
                {
                    count++;
                }
            }
        }

        if (count == 0)
        {
            return 0;
        }

        ReadOnlySpan<LabelPair> pairs = labels.Pairs;
        WriteVarint((ulong)pairs.Length);
        foreach (LabelPair pair in pairs)
        {
            WriteString(pair.Name);
            WriteString(pair.Value);
        }

        WriteVarint((ulong)count);
        long previous = 0;
        for (int i = 0; i < entries.Length; i++)
        {
            if (!outcomes.IsEmpty && outcomes[i] != HeadAppendOutcome.Appended)
            {
                continue;
            }

            ref readonly LogEntry entry = ref entries[i];
            long delta = unchecked(entry.TimestampNanos - previous);
            previous = entry.TimestampNanos;
            WriteVarint((ulong)((delta << 1) ^ (delta >> 63)));
            WriteBytes(entry.Line.Span);
            ReadOnlySpan<LabelPair> metadata = entry.StructuredMetadata.Span;
            WriteVarint((ulong)metadata.Length);
            foreach (LabelPair pair in metadata)
            {
                WriteString(pair.Name);
                WriteString(pair.Value);
            }
        }

        StreamCount++;
        EntryCount += count;
        return count;
    }

    private void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    private void WriteVarint(ulong value)
    {
        Ensure(Leb128.MaxBytes);
        _length += Leb128.Write(_buffer.AsSpan(_length), value);
    }

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteVarint((ulong)bytes.Length);
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void WriteString(string value)
    {
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max <= 256)
        {
            Span<byte> scratch = stackalloc byte[256];
            int written = Encoding.UTF8.GetBytes(value, scratch);
            WriteBytes(scratch[..written]);
            return;
        }

        int length = Encoding.UTF8.GetByteCount(value);
        WriteVarint((ulong)length);
        Ensure(length);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    private void Ensure(int more)
    {
        if (_buffer.Length - _length >= more)
        {
            return;
        }

        long wanted = Math.Max((long)_buffer.Length * 2, (long)_length + more);
        var grown = new byte[(int)Math.Min(wanted, Array.MaxLength)];
        _buffer.AsSpan(0, _length).CopyTo(grown);
        _buffer = grown;
    }
}
