using System.Text;
using Loggia.Core.Hashing;
using Loggia.Core.Tokens;

namespace Loggia.Core.Tests.Tokens;

public sealed class TermsTests
{
    private static List<(string Text, ulong Hash, bool Interior)> Enumerate(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        Span<byte> scratch = stackalloc byte[Terms.MaxTermBytes];
        var result = new List<(string, ulong, bool)>();
        var terms = Terms.Enumerate(utf8, scratch);
        while (terms.MoveNext())
        {
            result.Add((Encoding.UTF8.GetString(utf8, terms.Start, terms.Length), terms.Current, terms.IsInterior));
        }

        return result;
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("hello world", "hello|world")]
    [InlineData("GET /api/v1/users?id=42 HTTP/1.1", "get|api|v1|users|id|http")]
    [InlineData("2026-12-07 10:00:01.123 pid=4711 took 12ms", "pid|took|12ms")]
    [InlineData("txn-4f3a9 done.", "txn|4f3a9|done")]
    [InlineData("snake_case and kebab-case", "snake|case|and|kebab|case")]
    [InlineData("  ...!!!  ", "")]
    [InlineData("ERROR Error error", "error|error|error")]
    [InlineData("Ünïcode ÄÖÜ straße", "ünïcode|äöü|straße")]
    [InlineData("Ελληνικά ΣΟΦΙΑ", "ελληνικά|σοφια")]
    [InlineData("日本語テキスト、カタカナ", "日本語テキスト|カタカナ")]
    [InlineData("٣٤٥ arabic-indic digits", "arabic|indic|digits")]
    [InlineData("٣٤٥ب x", "٣٤٥ب|x")]
    [InlineData("emoji😀between", "emoji|between")]
    [InlineData("tab\tnew\nline\r\n", "tab|new|line")]
    [InlineData("a1b2c3", "a1b2c3")]
    [InlineData("user@example.com", "user|example|com")]
    public void Terms_AreMaximalLetterDigitRuns_LowerCased(string text, string expected)
    {
        var terms = Enumerate(text);
        var want = expected.Length == 0 ? [] : expected.Split('|');
        Assert.Equal(want.Length, terms.Count);
        for (var i = 0; i < want.Length; i++)
        {
            // The hash is XXH64 of the lower-cased UTF-8 bytes, the same as hashing the expected term.
            Assert.Equal(XxHash64.Hash(Encoding.UTF8.GetBytes(want[i])), terms[i].Hash);
            Assert.Equal(Terms.HashTerm(want[i]), terms[i].Hash);
            Assert.Equal(want[i], terms[i].Text.ToLowerInvariant());
        }
    }

    [Fact]
    public void CaseVariants_HashAlike_AndDifferentTermsDoNot()
    {
        Assert.Equal(Enumerate("TxN")[0].Hash, Enumerate("txn")[0].Hash);
        Assert.Equal(Enumerate("ÜBER")[0].Hash, Enumerate("über")[0].Hash);
        Assert.NotEqual(Enumerate("txn")[0].Hash, Enumerate("txm")[0].Hash);
    }

    [Fact]
    public void InvalidUtf8_SeparatesTerms()
    {
        byte[] text = [(byte)'a', (byte)'b', 0xFF, (byte)'c', 0xC3, (byte)'d'];
        Span<byte> scratch = stackalloc byte[Terms.MaxTermBytes];
        var hashes = new List<ulong>();
        foreach (var hash in Terms.Enumerate(text, scratch))
        {
            hashes.Add(hash);
        }

        Assert.Equal([Terms.HashTerm("ab"), Terms.HashTerm("c"), Terms.HashTerm("d")], hashes);
    }

    [Fact]
    public void Interior_MeansASeparatorOnBothSides()
    {
        Assert.Equal([false, true, false], Enumerate("xn-4f3-a9").Select(t => t.Interior));
        Assert.Equal([true], Enumerate(" txn ").Select(t => t.Interior));
        Assert.Equal([false], Enumerate("txn").Select(t => t.Interior));
    }

    [Fact]
    public void LongTerms_AreHashedByTheirFirstMaxTermBytes()
    {
        var longTerm = new string('a', Terms.MaxTermBytes) + "bcd";
        var terms = Enumerate("x " + longTerm + " y");
        Assert.Equal(3, terms.Count);
        Assert.Equal(longTerm, terms[1].Text);
        Assert.Equal(XxHash64.Hash(Encoding.UTF8.GetBytes(new string('a', Terms.MaxTermBytes))), terms[1].Hash);
        Assert.Equal(Terms.HashTerm(longTerm), terms[1].Hash);
        // Multi-byte runes are never split: 64 two-byte runes fill the limit exactly, the 65th is dropped.
        var wide = new string('ü', (Terms.MaxTermBytes / 2) + 1);
        Assert.Equal(XxHash64.Hash(Encoding.UTF8.GetBytes(new string('ü', Terms.MaxTermBytes / 2))), Enumerate(wide)[0].Hash);
    }

    [Fact]
    public void Pairs_AreLowerCasedWholeAndDistinctFromTerms()
    {
        Assert.Equal(XxHash64.Hash("trace_id=abc-123"u8), Terms.HashPair("Trace_ID", "ABC-123"));
        Assert.NotEqual(Terms.HashPair("a", "b=c"), Terms.HashPair("a", "b"));
        var large = new string('v', 5000);
        Assert.Equal(XxHash64.Hash(Encoding.UTF8.GetBytes("k=" + large)), Terms.HashPair("K", large));
    }

    [Theory]
    [InlineData("trace_id", "ABC-123")]
    [InlineData("Sévérité", "ÉRREUR ünïcode")]
    [InlineData("İstanbul", "ΣΊΣΥΦΟΣ")]
    [InlineData("k", "")]
    [InlineData("emoji", "🚀 Launch")]
    public void Pairs_HashTheSameFromUtf8AsFromStrings(string name, string value)
    {
        Assert.Equal(Terms.HashPair(name, value), Terms.HashPair(Encoding.UTF8.GetBytes(name), Encoding.UTF8.GetBytes(value)));
    }

    [Fact]
    public void Pairs_FromUtf8_FoldInvalidBytesAsTheStringFormFoldsLoneSurrogates()
    {
        Assert.Equal(Terms.HashPair("k", "a\uD800b"), Terms.HashPair("k"u8, [(byte)'a', 0xFF, (byte)'b']));
        var large = new string('V', 5000);
        Assert.Equal(Terms.HashPair("K", large), Terms.HashPair("K"u8, Encoding.UTF8.GetBytes(large)));
    }

    [Fact]
    public void RandomText_TermsAndHashesMatchTheDefinition_WhateverTheMixOfCaseScriptsAndLengths()
    {
        // Runs of letters and digits holding a letter, lower-cased, each hashed by its first MaxTermBytes bytes (whole
        // runes): the definition, checked against the enumerator's lower-case ASCII fast path and its folding path alike.
        string[] pieces = ["a", "z", "Q", "7", "7", "٣", " ", "-", ".", "é", "É", "日", "\u0130", "ß", "_", new string('k', Terms.MaxTermBytes - 1), new string('x', Terms.MaxTermBytes + 3)];
        var random = new Random(42);
        for (var round = 0; round < 2_000; round++)
        {
            var text = new StringBuilder();
            for (var p = random.Next(1, 12); p > 0; p--)
            {
                text.Append(pieces[random.Next(pieces.Length)]);
            }

            var expected = new List<ulong>();
            var run = new StringBuilder();
            var hasLetter = false;
            foreach (var rune in text.ToString().EnumerateRunes())
            {
                if (Rune.IsLetterOrDigit(rune))
                {
                    run.Append(rune.ToString());
                    hasLetter |= Rune.IsLetter(rune);
                }
                else
                {
                    AddRun();
                }
            }

            AddRun();

            Assert.Equal(expected, Enumerate(text.ToString()).Select(t => t.Hash));

            void AddRun()
            {
                if (hasLetter)
                {
                    expected.Add(Terms.HashTerm(run.ToString()));
                }

                run.Clear();
                hasLetter = false;
            }
        }
    }

    [Fact]
    public void AsciiText_TheVectorWalkAndTheByteWalkGiveTheSameTerms_AtEveryPositionAndLength()
    {
        // ASCII lines are classified 64 bytes at a time; runs cross windows, reach the end, exceed MaxTermBytes.
        string[] pieces = ["a", "Z", "7", "404", " ", "-", ".", "_", "=", "\t", "\u007f", "\u0001", "txn", "4f3a9QZ", "ERROR",
            new string('k', 63), new string('Q', 64), new string('x', Terms.MaxTermBytes + 5), new string('9', 70)];
        var random = new Random(7);
        Span<byte> scratchA = stackalloc byte[Terms.MaxTermBytes];
        Span<byte> scratchB = stackalloc byte[Terms.MaxTermBytes];
        var vectorTerms = 0;
        for (var round = 0; round < 3_000; round++)
        {
            var text = new StringBuilder();
            for (var p = random.Next(0, 40); p > 0; p--)
            {
                text.Append(pieces[random.Next(pieces.Length)]);
            }

            var utf8 = Encoding.ASCII.GetBytes(text.ToString());
            var vector = new TermEnumerator(utf8, scratchA, vectorized: true);
            var bytes = new TermEnumerator(utf8, scratchB, vectorized: false);
            while (true)
            {
                var more = vector.MoveNext();
                Assert.Equal(bytes.MoveNext(), more);
                if (!more)
                {
                    break;
                }

                vectorTerms++;
                Assert.Equal((bytes.Start, bytes.Length, bytes.IsInterior, bytes.Current), (vector.Start, vector.Length, vector.IsInterior, vector.Current));
            }
        }

        Assert.True(vectorTerms > 10_000);
    }
}
