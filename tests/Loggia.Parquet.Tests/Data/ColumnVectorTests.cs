using Loggia.Parquet.Data;

namespace Loggia.Parquet.Tests.Data;

public sealed class ColumnVectorTests
{
    [Fact]
    public void Vector_WithAnEarlyNullAndManyLaterRows_ClearsAndIsReused()
    {
        var vector = new BinaryVector(capacity: 4);
        vector.AppendNull();
        for (var i = 0; i < 500; i++)
        {
            vector.Append("v" + i);
        }

        Assert.True(vector.IsNull(0));
        Assert.False(vector.IsNull(499));
        vector.Clear();
        Assert.Equal(0, vector.Count);
        vector.Append("x");
        Assert.False(vector.IsNull(0));
        Assert.Equal("x", vector.GetString(0));
    }

    [Fact]
    public void MapVector_DistinguishesNullEmptyAndFilledRows()
    {
        var map = new MapVector();
        map.AppendNull();
        map.EndRow();
        map.AddEntry("k", "v");
        map.AddEntry("k2", "");
        map.EndRow();
        Assert.Equal(3, map.Count);
        Assert.True(map.IsNull(0));
        Assert.False(map.IsNull(1));
        Assert.Equal(0, map.EntryCount(1));
        Assert.Equal(2, map.EntryCount(2));
        Assert.Equal("k2", map.Keys.GetString(1));
        Assert.Throws<InvalidOperationException>(() =>
        {
            map.AddEntry("open", "row");
            map.AppendNull();
        });
    }
}
