namespace Loggia.Ingest;

/// <summary>Label-name rules applied to names that arrive as bytes (syslog structured data, journald fields).</summary>
internal static class LabelNameBytes
{
    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/> with every byte outside <c>[A-Za-z0-9_]</c> as <c>_</c>.</summary>
    public static void Sanitize(ReadOnlySpan<byte> source, Span<char> target)
    {
        for (int i = 0; i < source.Length; i++)
        {
            byte b = source[i];
            target[i] = (uint)((b | 0x20) - 'a') <= 'z' - 'a' || (uint)(b - '0') <= 9 || b == '_' ? (char)b : '_';
        }
    }
}
