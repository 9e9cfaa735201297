namespace Loggia.Cli.Agent;

/// <summary>Where files start when the positions file cannot be read (<c>positions.on_corrupt</c>).</summary>
internal enum PositionsOnCorrupt
{
    /// <summary>From their beginning: lines may be sent twice, none is lost (the default, as Promtail with no positions).</summary>
    Beginning,

    /// <summary>From their current end: nothing is sent twice, lines written while the agent was down are skipped.</summary>
    End,
}
