namespace Loggia.Core.Model;

/// <summary>One name/value pair: a stream label or a structured-metadata entry.</summary>
/// <param name="Name">The label name.</param>
/// <param name="Value">The label value.</param>
public readonly record struct LabelPair(string Name, string Value)
{
    /// <summary>The pair's size as Loki counts it for limits: UTF-8 bytes of name plus value.</summary>
    public int Utf8Size => System.Text.Encoding.UTF8.GetByteCount(Name) + System.Text.Encoding.UTF8.GetByteCount(Value);
}
