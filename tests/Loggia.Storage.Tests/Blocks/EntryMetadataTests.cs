using System.Text;
using Loggia.Core.Model;
using Loggia.Storage.Blocks;

namespace Loggia.Storage.Tests.Blocks;

public sealed class EntryMetadataTests
{
    private static readonly KeyValuePair<string, string>[] Pairs =
    [
        new("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"),
        new("severity_text", "ÉRREUR ünïcode 🚀"),
        new("empty", ""),
        new("long", new string('v', 300)), // a length that needs a two-byte varint
    ];

    [Fact]
    public void Pairs_RoundTripInOrder()
    {
        EntryMetadata metadata = EntryMetadata.From(Pairs);

        Assert.False(metadata.IsEmpty);
        Assert.Equal(Pairs, metadata.ToKeyValues());
        Assert.Equal(Pairs.Select(p => new LabelPair(p.Key, p.Value)), metadata.ToLabelPairs());
    }

    [Fact]
    public void NoPairs_IsEmpty()
    {
        Assert.True(EntryMetadata.From(null).IsEmpty);
        Assert.True(EntryMetadata.From([]).IsEmpty);
        Assert.Null(EntryMetadata.Empty.ToKeyValues());
        Assert.Empty(EntryMetadata.Empty.ToLabelPairs());
    }

    [Fact]
    public void Utf8AndStringEncodings_AreTheSameBytes()
    {
        LabelPair[] labelPairs = [.. Pairs.Select(p => new LabelPair(p.Key, p.Value))];
        var fromLabelPairs = new byte[EntryMetadata.EncodedLength(labelPairs)];
        EntryMetadata.Encode(labelPairs, fromLabelPairs);

        var fromUtf8 = new List<byte>();
        foreach (var (name, value) in Pairs)
        {
            byte[] nameBytes = Encoding.UTF8.GetBytes(name);
            byte[] valueBytes = Encoding.UTF8.GetBytes(value);
            var one = new byte[EntryMetadata.EncodedLength(nameBytes, valueBytes)];
            Assert.Equal(one.Length, EntryMetadata.Encode(nameBytes, valueBytes, one));
            fromUtf8.AddRange(one);
        }

        Assert.Equal(EntryMetadata.From(Pairs).Encoded.ToArray(), fromLabelPairs);
        Assert.Equal(fromLabelPairs, fromUtf8.ToArray());
    }
}
