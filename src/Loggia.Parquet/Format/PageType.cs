namespace Loggia.Parquet.Format;

/// <summary>Kind of page described by a <see cref="PageHeader"/>.</summary>
public enum PageType
{
    DataPage = 0,
    IndexPage = 1,
    DictionaryPage = 2,
    DataPageV2 = 3,
}
