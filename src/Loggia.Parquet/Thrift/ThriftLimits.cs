namespace Loggia.Parquet.Thrift;

/// <summary>Limits shared by the compact reader and writer.</summary>
public static class ThriftLimits
{
    /// <summary>
    /// Maximum nesting of structs and containers. Parquet metadata needs about 5 levels; 64 leaves room for
    /// other writers while keeping hostile input from exhausting the stack.
    /// </summary>
    public const int MaxDepth = 64;
}
