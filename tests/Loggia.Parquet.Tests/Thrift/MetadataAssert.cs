using System.Collections;
using System.Reflection;
using Loggia.Parquet.Format;
using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Tests.Thrift;

/// <summary>Assertion helpers comparing metadata objects property by property.</summary>
internal static class MetadataAssert
{
    private static readonly NullabilityInfoContext Nullability = new();

    /// <summary>Serializes, reads back, and checks the copy equals the original and re-serializes to the same bytes.</summary>
    public static T RoundTrip<T>(T value)
        where T : IThriftStruct<T>
    {
        var bytes = ParquetMetadataSerializer.Serialize(value);
        var copy = ParquetMetadataSerializer.Read<T>(bytes, out var bytesRead);
        Assert.Equal(bytes.Length, bytesRead);
        DeepEqual(value, copy, typeof(T).Name);
        Assert.Equal(bytes, ParquetMetadataSerializer.Serialize(copy));
        return copy;
    }

    /// <summary>Asserts every nullable (optional) property of <paramref name="value"/> is in the expected state.</summary>
    public static void OptionalPropertiesAre(object value, bool expectSet)
    {
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (Nullability.Create(property).ReadState != NullabilityState.Nullable)
            {
                continue;
            }

            var actual = property.GetValue(value);
            Assert.True(expectSet == (actual is not null), $"{value.GetType().Name}.{property.Name} expected {(expectSet ? "set" : "null")}");
        }
    }

    public static void DeepEqual(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: expected {expected ?? "null"}, got {actual ?? "null"}");
            return;
        }

        Assert.Equal(expected.GetType(), actual.GetType());
        switch (expected)
        {
            case string or bool or Enum or ValueType:
                Assert.True(expected.Equals(actual), $"{path}: expected {expected}, got {actual}");
                return;
            case byte[] bytes:
                Assert.True(bytes.AsSpan().SequenceEqual((byte[])actual), $"{path}: byte arrays differ");
                return;
            case IList list:
                var other = (IList)actual;
                Assert.True(list.Count == other.Count, $"{path}: expected {list.Count} items, got {other.Count}");
                for (var i = 0; i < list.Count; i++)
                {
                    DeepEqual(list[i], other[i], $"{path}[{i}]");
                }

                return;
            default:
                foreach (var property in expected.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    DeepEqual(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
                }

                return;
        }
    }
}
