namespace Loggia.Ingest.Journald;

/// <summary>
/// One field of an export-format entry as offsets into the reader's input, so reading an entry allocates nothing;
/// the name and value stay valid as long as the input buffer does.
/// </summary>
/// <param name="NameOffset">Start of the name in the input.</param>
/// <param name="NameLength">Length of the name.</param>
/// <param name="ValueOffset">Start of the value in the input.</param>
/// <param name="ValueLength">Length of the value.</param>
/// <param name="IsBinary">Whether the field was written binary-safe (<c>NAME\n</c> + u64 LE length + bytes).</param>
public readonly record struct JournalField(int NameOffset, int NameLength, int ValueOffset, int ValueLength, bool IsBinary)
{
    /// <summary>The name's bytes in <paramref name="input"/>.</summary>
    public ReadOnlySpan<byte> Name(ReadOnlySpan<byte> input) => input.Slice(NameOffset, NameLength);

    /// <summary>The value's bytes in <paramref name="input"/>.</summary>
    public ReadOnlySpan<byte> Value(ReadOnlySpan<byte> input) => input.Slice(ValueOffset, ValueLength);
}
