namespace Loggia.Storage.Integrity;

/// <summary>The outcome of checking a data directory (<see cref="DataDirectoryCheck"/>).</summary>
public sealed class FsckReport
{
    private readonly List<FsckFinding> _findings = [];

    /// <summary>Everything found, in the order checked.</summary>
    public IReadOnlyList<FsckFinding> Findings => _findings;

    /// <summary>WAL segments read.</summary>
    public int WalSegments { get; internal set; }

    /// <summary>WAL records whose CRC was verified.</summary>
    public long WalRecords { get; internal set; }

    /// <summary>Catalogued blocks checked.</summary>
    public int Blocks { get; internal set; }

    /// <summary>Term index segments checked.</summary>
    public int TermSegments { get; internal set; }

    /// <summary>Block rows decoded and checked against their index.</summary>
    public long Rows { get; internal set; }

    /// <summary>Whether no finding is a problem.</summary>
    public bool IsClean
    {
        get
        {
            foreach (var finding in _findings)
            {
                if (finding.Severity == FsckSeverity.Problem)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Ids of the blocks with a problem, each once, in order found: what <c>--quarantine</c> moves.</summary>
    public IReadOnlyList<string> DamagedBlocks
    {
        get
        {
            var ids = new List<string>();
            foreach (var finding in _findings)
            {
                if (finding is { Severity: FsckSeverity.Problem, BlockId: { } id } && !ids.Contains(id))
                {
                    ids.Add(id);
                }
            }

            return ids;
        }
    }

    internal void Add(FsckFinding finding) => _findings.Add(finding);
}
