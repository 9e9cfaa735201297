using Loggia.Storage.Wal;
using Microsoft.Extensions.Logging;

namespace Loggia.Storage.Tests.Wal;

/// <summary>A fresh directory under the temp folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "loggia-wal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail a test.
        }
    }
}

/// <summary>Collects log messages so tests can assert that a warning was reported.</summary>
internal sealed class CollectingLogger : ILogger
{
    private readonly List<(LogLevel Level, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public int WarningCount
    {
        get
        {
            int count = 0;
            foreach ((LogLevel level, string _) in Entries)
            {
                if (level >= LogLevel.Warning)
                {
                    count++;
                }
            }

            return count;
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((logLevel, formatter(state, exception)));
        }
    }
}

/// <summary>A replayed record, copied out of the replay buffer.</summary>
internal sealed record ReplayedRecord(WalPosition Position, byte Type, byte[] Payload);

internal static class WalTestSupport
{
    public static WalOptions Options(string directory, CollectingLogger? logger = null, long segmentSize = WalOptions.DefaultSegmentSizeBytes) => new()
    {
        DirectoryPath = directory,
        SegmentSizeBytes = segmentSize,
        Logger = logger ?? new CollectingLogger(),
    };

    /// <summary>Opens the WAL and returns it with every record replayed.</summary>
    public static (WriteAheadLog Wal, List<ReplayedRecord> Records) Open(WalOptions options)
    {
        var records = new List<ReplayedRecord>();
        WriteAheadLog wal = WriteAheadLog.Open(options, r => records.Add(new ReplayedRecord(r.Position, r.Type, r.Payload.ToArray())));
        return (wal, records);
    }

    /// <summary>Opens, collects the replay, and closes again.</summary>
    public static async Task<List<ReplayedRecord>> ReplayAsync(WalOptions options)
    {
        (WriteAheadLog wal, List<ReplayedRecord> records) = Open(options);
        await wal.DisposeAsync();
        return records;
    }

    /// <summary>Deterministic payload whose bytes depend on its index, so that misordering or mixing shows.</summary>
    public static byte[] Payload(int index, int length)
    {
        var bytes = new byte[length];
        var random = new Random(index);
        random.NextBytes(bytes);
        return bytes;
    }

    public static string[] SegmentFiles(string directory)
    {
        string[] files = Directory.GetFiles(directory, "*.wal");
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    public static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (string file in Directory.GetFiles(source))
        {
            // The lock file only means "a live process owns this directory"; a crash releases it.
            if (Path.GetFileName(file) == WriteAheadLog.LockFileName)
            {
                continue;
            }

            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }
    }
}
