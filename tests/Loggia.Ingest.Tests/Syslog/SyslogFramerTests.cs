using System.Text;
using Loggia.Ingest.Syslog;

namespace Loggia.Ingest.Tests.Syslog;

public sealed class SyslogFramerTests
{
    /// <summary>Feeds <paramref name="input"/> in chunks of <paramref name="chunk"/> bytes, as reads would, and returns the frames.</summary>
    private static List<string> Frames(string input, int chunk, int max = 64)
    {
        var bytes = Encoding.UTF8.GetBytes(input);
        var framer = new SyslogFramer(max);
        var frames = new List<string>();
        var buffer = new List<byte>();
        for (int offset = 0; offset <= bytes.Length; offset += chunk)
        {
            bool final = offset + chunk >= bytes.Length;
            buffer.AddRange(bytes.Skip(offset).Take(chunk));
            while (true)
            {
                var data = buffer.ToArray();
                var kind = framer.Next(data, final, out int consumed, out int start, out int length);
                if (kind is SyslogFrameKind.Message or SyslogFrameKind.TruncatedMessage)
                {
                    frames.Add((kind == SyslogFrameKind.TruncatedMessage ? "T:" : "") + Encoding.UTF8.GetString(data, start, length));
                }
                else if (kind == SyslogFrameKind.BrokenFrame)
                {
                    frames.Add("BROKEN");
                }

                buffer.RemoveRange(0, consumed);
                if (kind is SyslogFrameKind.NeedMore or SyslogFrameKind.BrokenFrame)
                {
                    break;
                }
            }

            if (final)
            {
                break;
            }
        }

        return frames;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public void OctetCountingAndLineFraming_MixedPerMessage(int chunk)
    {
        var frames = Frames("11 <13>1 a b c4 <1>x\n<13>line one\n<13>line two\r\n9 <13>three", chunk);
        Assert.Equal(["<13>1 a b c", "<1>x", "<13>line one", "<13>line two\r", "<13>three"], frames);
    }

    [Fact]
    public void UnterminatedLastLine_IsAMessageAtTheEnd()
    {
        Assert.Equal(["<13>a", "<13>b"], Frames("<13>a\n<13>b", 2));
    }

    [Fact]
    public void OversizeOctetCounted_IsTruncatedAndTheRestSkipped()
    {
        var big = new string('x', 100);
        Assert.Equal(["T:" + big[..64], "<13>ok"], Frames($"100 {big}6 <13>ok\n", 7));
    }

    [Fact]
    public void OversizeLine_IsTruncatedAndTheRestSkipped()
    {
        var big = new string('y', 200);
        Assert.Equal(["T:" + big[..64], "<13>after"], Frames($"{big}\n<13>after\n", 13));
    }

    [Fact]
    public void TruncatedOctetCount_AtEnd_IsABrokenFrame()
    {
        Assert.Equal(["<13>ok", "BROKEN"], Frames("<13>ok\n50 <13>1 short", 5));
    }

    [Fact]
    public void DigitsWithoutSpace_AreALine()
    {
        Assert.Equal(["12345678901234 not a count", "<13>next"], Frames("12345678901234 not a count\n<13>next\n", 4));
    }

    [Fact]
    public void RandomBytes_AlwaysProgress()
    {
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            for (int j = 0; j < bytes.Length; j++)
            {
                if (random.Next(8) == 0)
                {
                    bytes[j] = (byte)"0123456789 \n<"[random.Next(13)];
                }
            }

            Frames(Encoding.Latin1.GetString(bytes), random.Next(1, 50), max: 32);
        }
    }
}
