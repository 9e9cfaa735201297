using Loggia.Parquet.Data;
using Loggia.Parquet.Schema;

namespace Loggia.Parquet.Reading;

/// <summary>
/// Rebuilds rows from leaf levels and dense values: nulls of an optional flat column, and the
/// rows, entries, empty maps and null maps of a string map (the inverse of record shredding).
/// </summary>
internal static class ColumnAssembler
{
    public static void AssembleFlat(ColumnVector destination, ParquetLeaf leaf, LeafData data, string? path)
    {
        var definition = data.Definition;
        var max = leaf.MaxDefinitionLevel;
        var present = 0;
        foreach (var level in definition)
        {
            if (level == max)
            {
                present++;
            }
        }

        if (present != data.Values.Count)
        {
            throw new ParquetFormatException($"column '{leaf.DottedPath}' has {data.Values.Count} values for {present} non-null levels", -1, path);
        }

        switch (destination)
        {
            case BinaryVector binary:
                {
                    var values = (BinaryVector)data.Values;
                    var k = 0;
                    foreach (var level in definition)
                    {
                        if (level == max)
                        {
                            binary.Append(values[k++]);
                        }
                        else
                        {
                            binary.AppendNull();
                        }
                    }

                    break;
                }

            case PrimitiveVector<long> longs: Spread(longs, (PrimitiveVector<long>)data.Values, definition, max); break;
            case PrimitiveVector<int> ints: Spread(ints, (PrimitiveVector<int>)data.Values, definition, max); break;
            case PrimitiveVector<double> doubles: Spread(doubles, (PrimitiveVector<double>)data.Values, definition, max); break;
            case PrimitiveVector<bool> booleans: Spread(booleans, (PrimitiveVector<bool>)data.Values, definition, max); break;
            default: throw new InvalidOperationException("unexpected vector type");
        }
    }

    private static void Spread<T>(PrimitiveVector<T> destination, PrimitiveVector<T> values, ReadOnlySpan<int> definition, int max)
        where T : unmanaged
    {
        var dense = values.Values;
        var start = destination.Count;
        var target = destination.AppendUninitialized(definition.Length);
        var k = 0;
        for (var i = 0; i < definition.Length; i++)
        {
            if (definition[i] == max)
            {
                target[i] = dense[k++];
            }
            else
            {
                destination.SetNull(start + i);
            }
        }
    }

    public static void AssembleMap(MapVector destination, ParquetLeaf keyLeaf, LeafData keys, ParquetLeaf valueLeaf, LeafData values, string? path)
    {
        if (keys.LevelCount != values.LevelCount)
        {
            throw new ParquetFormatException($"map column '{keyLeaf.Path[0]}' has {keys.LevelCount} key levels but {values.LevelCount} value levels", -1, path);
        }

        var keyDefinition = keys.Definition;
        var repetition = keys.Repetition;
        var valueDefinition = values.Definition;
        var entryLevel = keyLeaf.MaxDefinitionLevel;
        var valueLevel = valueLeaf.MaxDefinitionLevel;
        var keyValues = (BinaryVector)keys.Values;
        var valueValues = (BinaryVector)values.Values;
        int nextKey = 0, nextValue = 0;
        var rowOpen = false;
        for (var i = 0; i < keyDefinition.Length; i++)
        {
            if (repetition[i] == 0)
            {
                if (rowOpen)
                {
                    destination.EndRow();
                }

                rowOpen = false;
                if (keyDefinition[i] < entryLevel - 1)
                {
                    destination.AppendNull();
                    continue;
                }

                rowOpen = true;
            }
            else if (!rowOpen)
            {
                throw new ParquetFormatException($"map column '{keyLeaf.Path[0]}' continues a row that does not exist", -1, path);
            }

            if (keyDefinition[i] != entryLevel)
            {
                continue; // empty map
            }

            if (nextKey >= keyValues.Count)
            {
                throw new ParquetFormatException($"map column '{keyLeaf.Path[0]}' has fewer keys than its levels say", -1, path);
            }

            destination.Keys.Append(keyValues[nextKey++]);
            if (valueDefinition[i] == valueLevel)
            {
                if (nextValue >= valueValues.Count)
                {
                    throw new ParquetFormatException($"map column '{keyLeaf.Path[0]}' has fewer values than its levels say", -1, path);
                }

                destination.Values.Append(valueValues[nextValue++]);
            }
            else
            {
                destination.Values.AppendNull();
            }
        }

        if (rowOpen)
        {
            destination.EndRow();
        }

        if (nextKey != keyValues.Count || nextValue != valueValues.Count)
        {
            throw new ParquetFormatException($"map column '{keyLeaf.Path[0]}' has more keys or values than its levels say", -1, path);
        }
    }
}
