namespace Loggia.Storage.Integrity;

/// <summary>How much a finding matters: a problem makes <c>loggia fsck</c> exit 1; a note is informational.</summary>
public enum FsckSeverity
{
    /// <summary>Expected after a crash and repaired by the next start (a torn WAL tail, orphan files).</summary>
    Note,

    /// <summary>Damage or inconsistency: data is unreadable, or the catalog and the files disagree.</summary>
    Problem,
}

/// <summary>One thing the check found.</summary>
/// <param name="Severity">Problem or note.</param>
/// <param name="Area">What was checked: <c>wal</c>, <c>block</c>, <c>terms</c> (the term index), <c>catalog</c> or <c>orphan</c>.</param>
/// <param name="Path">The file concerned, relative to the data directory.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="BlockId">The catalogued block concerned (quarantinable), when there is one.</param>
public sealed record FsckFinding(FsckSeverity Severity, string Area, string Path, string Message, string? BlockId = null);
