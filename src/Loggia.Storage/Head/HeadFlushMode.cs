namespace Loggia.Storage.Head;

/// <summary>Which streams <see cref="Head.TakeFlushable"/> takes.</summary>
public enum HeadFlushMode
{
    /// <summary>Only what is due: the whole tenant when over its size, else streams past max age or idle.</summary>
    Due = 0,

    /// <summary>Everything the tenant holds: shutdown, or WAL pressure.</summary>
    All = 1,
}

/// <summary>Why a flush was taken; with several reasons, the strongest (highest) one.</summary>
public enum HeadFlushReason
{
    /// <summary>A stream had no append for <see cref="HeadOptions.ChunkIdlePeriod"/>.</summary>
    Idle = 1,

    /// <summary>A stream's oldest data has been in the head for <see cref="HeadOptions.MaxChunkAge"/>.</summary>
    MaxAge = 2,

    /// <summary>The tenant's head reached <see cref="HeadOptions.MaxTenantBytes"/>.</summary>
    Size = 3,

    /// <summary>The caller asked for everything (<see cref="HeadFlushMode.All"/>).</summary>
    Forced = 4,
}
