namespace Loggia.Query.Execution.Pipeline;

/// <summary>The type of a JSON value found by <see cref="JsonScanner"/>.</summary>
internal enum JsonValueKind
{
    String,
    Number,
    Object,
    Array,
    Boolean,
    Null,
}
