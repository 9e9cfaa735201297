namespace Loggia.Storage.Retention;

/// <summary>What retention did to one block.</summary>
public enum RetentionAction
{
    /// <summary>Every row had expired: the block was removed.</summary>
    Dropped,

    /// <summary>Some rows had expired: the block was replaced by one without them.</summary>
    Rewritten,
}
