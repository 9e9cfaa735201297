namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// One label added to the entry being processed. A parser may set the value as UTF-8 bytes (copied into the
/// builder's per-entry arena) instead of a string: it becomes a string only when a later stage or the result reads
/// it, so an entry dropped by a label filter never pays for the values nobody looked at.
/// </summary>
internal struct LabelSlot
{
    public string Name;

    /// <summary>The value, or null while it is still bytes in the arena.</summary>
    public string? Value;

    /// <summary>Where the pending value's bytes are in the builder's arena.</summary>
    public int Start;

    public int Length;

    /// <summary>Whether the pending bytes decode with invalid UTF-8 (and U+FFFD) replaced by spaces, as Loki's parsers do.</summary>
    public bool ReplaceInvalid;

    public LabelSlot(string name, string value)
    {
        Name = name;
        Value = value;
    }

    public LabelSlot(string name, int start, int length, bool replaceInvalid)
    {
        Name = name;
        Start = start;
        Length = length;
        ReplaceInvalid = replaceInvalid;
    }
}
