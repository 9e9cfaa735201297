namespace Loggia.Parquet.Format;

/// <summary>Builds the exceptions the metadata structs raise for semantically invalid input.</summary>
internal static class FormatErrors
{
    public static ParquetFormatException MissingField(string structName, string fieldName, int fieldId, int structOffset) =>
        new($"{structName}.{fieldName} (field {fieldId}) is required but missing", structOffset);
}
