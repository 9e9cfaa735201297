using System.Runtime.CompilerServices;

namespace Loggia.Parquet.Thrift;

/// <summary>
/// Fixed-size stack of "last field id" values, one per open struct. Compact field headers encode the id as a
/// delta from the previous field of the same struct, so each nesting level needs its own last id. An inline
/// array keeps this on the stack: no heap allocation per struct.
/// </summary>
[InlineArray(ThriftLimits.MaxDepth)]
internal struct FieldIdStack
{
    private short _element0;
}
