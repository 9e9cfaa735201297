namespace Loggia.Parquet.Format;

/// <summary>Whether a schema field is required, optional or repeated.</summary>
public enum FieldRepetitionType
{
    Required = 0,
    Optional = 1,
    Repeated = 2,
}
