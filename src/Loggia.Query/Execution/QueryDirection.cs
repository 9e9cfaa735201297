namespace Loggia.Query.Execution;

/// <summary>The order in which a log query reads and returns entries (Loki's <c>direction</c> parameter).</summary>
public enum QueryDirection
{
    /// <summary>Oldest first.</summary>
    Forward,

    /// <summary>Newest first (Loki's default).</summary>
    Backward,
}
