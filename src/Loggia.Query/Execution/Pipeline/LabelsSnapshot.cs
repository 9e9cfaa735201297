namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// A saved state of one entry's <see cref="LabelsBuilder"/>, so that a stage can try a fast path and rewind when
/// it has to redo the work another way (reused across entries; pending values stay valid because the arena only
/// grows within an entry).
/// </summary>
internal sealed class LabelsSnapshot
{
    public LabelSlotList[] Added { get; } = [new(), new(), new()];

    public List<string> Deleted { get; } = [];

    public int ArenaLength { get; set; }

    public string Error { get; set; } = "";

    public string ErrorDetails { get; set; } = "";
}
