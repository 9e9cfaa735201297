using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Loggia.Cli.Commands.Journald;
using Loggia.Ingest.Journald;

namespace Loggia.Cli.Commands;

/// <summary>
/// <c>loggia collect journald</c>: follows a journal through <c>journalctl -o export</c> (the local journal, or
/// <c>--file</c>/<c>--directory</c>; <c>--no-follow</c> exits at the end) and ships it to a Loggia or Loki server
/// (<c>--url</c>) or writes Parquet minute files (<c>--output</c>). The <c>__CURSOR</c> of the last entry the output
/// has made durable is kept in a cursor file (written atomically) and a restart resumes with <c>--after-cursor</c>, so
/// restarts neither lose nor repeat entries (docs/ingest/journald.md).
/// </summary>
internal static class CollectJournaldCommand
{
    private static readonly HashSet<string> Known = ["file", "directory", "url", "addr", "org-id", "tenant", "output", "cursor-file", "journalctl", "max-retries", "idle-flush"];
    private static readonly HashSet<string> Booleans = ["no-follow"];

    /// <summary>Largest field accepted from journalctl (journald itself stores larger ones only when told to).</summary>
    private const int MaxFieldBytes = 64 * 1024 * 1024;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var flags = CliFlags.Parse(args, Known, Booleans);
        bool toUrl = flags.Has("url") || flags.Has("addr"), toOutput = flags.Has("output");
        if (toUrl == toOutput)
        {
            await stderr.WriteLineAsync("usage: loggia collect journald (--url http://host:3100 | --output DIR) [--file X.journal | --directory DIR] [--no-follow] [--cursor-file F] [--org-id T] [--max-retries N]");
            return 2;
        }

        var output = flags.Get("output", "");
        var cursorFile = new JournalCursorFile(flags.Get("cursor-file", toOutput ? Path.Combine(output, "journald.cursor") : "loggia-journald.cursor"));
        var idle = TimeSpan.FromMilliseconds(int.Parse(flags.Get("idle-flush", "1000"), CultureInfo.InvariantCulture));
        using var client = toUrl ? CliHttp.CreateClient(flags) : null;
        IJournalSink sink = client is not null
            ? new LokiPushSink(client, stderr, int.Parse(flags.Get("max-retries", "10"), CultureInfo.InvariantCulture), TimeProvider.System)
            : new ParquetMinuteSink(output);

        var start = new ProcessStartInfo(flags.Get("journalctl", "journalctl")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--output=export");
        if (flags.Has("file"))
        {
            start.ArgumentList.Add("--file=" + flags.Get("file", ""));
        }

        if (flags.Has("directory"))
        {
            start.ArgumentList.Add("--directory=" + flags.Get("directory", ""));
        }

        // --follow implies --boot (the current boot only) unless --merge is given: that shows nothing of another
        // machine's journal directory and, after a reboot, skips the end of the previous boot after the cursor.
        // --merge lifts it (and for the local journal adds journals received into /var/log/journal/remote), in
        // both modes so that --no-follow reads the same entries.
        start.ArgumentList.Add("--merge");
        if (!flags.Has("no-follow"))
        {
            // -f alone starts at the last 10 entries; --no-tail starts at the cursor (or the beginning).
            start.ArgumentList.Add("--follow");
            start.ArgumentList.Add("--no-tail");
        }

        var cursor = cursorFile.Read();
        if (cursor is not null)
        {
            start.ArgumentList.Add("--after-cursor=" + cursor);
        }

        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });

        using var journalctl = Process.Start(start) ?? throw new IOException($"could not start {start.FileName}");
        var journalctlErrors = journalctl.StandardError.ReadToEndAsync(CancellationToken.None);
        var collector = new Collector(sink, cursorFile, cursor, idle);
        int exit = 0;
        try
        {
            var error = await collector.RunAsync(journalctl.StandardOutput.BaseStream, stop.Token);
            if (error is not null)
            {
                await stderr.WriteLineAsync($"journalctl output is not export format: {error}");
                exit = 1;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped by a signal: what was read is flushed below.
        }
        finally
        {
            if (!journalctl.HasExited)
            {
                journalctl.Kill();
            }
        }

        await collector.FlushAsync(CancellationToken.None);
        await journalctl.WaitForExitAsync(CancellationToken.None);
        if (!stop.IsCancellationRequested && exit == 0 && journalctl.ExitCode != 0)
        {
            await stderr.WriteLineAsync($"journalctl exited with {journalctl.ExitCode}: {(await journalctlErrors).Trim()}");
            exit = 1;
        }

        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"collected {collector.Entries} journal entries; cursor {(collector.Cursor is null ? "not set" : "saved")} in {cursorFile.Path}"));
        return exit;
    }

    /// <summary>Reads export format from journalctl, hands entries to the sink, and saves the cursor after each flush.</summary>
    private sealed class Collector(IJournalSink sink, JournalCursorFile cursorFile, string? cursor, TimeSpan idle)
    {
        private string? _pendingCursor;

        public long Entries { get; private set; }

        public string? Cursor { get; private set; } = cursor;

        /// <summary>Reads to the end of <paramref name="input"/>; the error when it is not export format.</summary>
        public async Task<string?> RunAsync(Stream input, CancellationToken cancellationToken)
        {
            var fields = new List<JournalField>();
            var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
            int start = 0, end = 0;
            bool final = false;
            Task<int>? read = null;
            try
            {
                while (true)
                {
                    while (true)
                    {
                        var status = JournalExportReader.TryReadEntry(buffer.AsSpan(start, end - start), final, MaxFieldBytes, fields, out var consumed, out var error);
                        if (status == JournalReadStatus.Entry)
                        {
                            if (sink.ShouldFlushBefore(buffer.AsSpan(start, end - start), fields))
                            {
                                await FlushAsync(cancellationToken);
                            }

                            var span = buffer.AsSpan(start, end - start);
                            sink.Add(span, fields, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000);
                            _pendingCursor = CursorOf(span, fields) ?? _pendingCursor;
                            Entries++;
                            start += consumed;
                            continue;
                        }

                        if (status == JournalReadStatus.NeedMoreData)
                        {
                            break;
                        }

                        if (status == JournalReadStatus.EndOfData)
                        {
                            return null;
                        }

                        return error;
                    }

                    if (start > 0)
                    {
                        buffer.AsSpan(start, end - start).CopyTo(buffer);
                        end -= start;
                        start = 0;
                    }

                    if (end == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, end).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    // A stop abandons the read rather than cancelling it (pipe reads need not honour a token):
                    // the entries already added are flushed by the caller, and whatever journalctl wrote after
                    // them is read again after the cursor by the next run.
                    read = input.ReadAsync(buffer.AsMemory(end), CancellationToken.None).AsTask();
                    if (sink.Pending > 0 && await Task.WhenAny(read, Task.Delay(idle, cancellationToken)) != read)
                    {
                        cancellationToken.ThrowIfCancellationRequested();

                        // journalctl is waiting for new entries: make what we have durable meanwhile.
                        await FlushAsync(cancellationToken);
                    }

                    int n = await read.WaitAsync(cancellationToken);
                    read = null;
                    final = n == 0;
                    end += n;
                }
            }
            finally
            {
                // A read still pending when a signal stopped us writes into the buffer until journalctl is killed,
                // so the buffer is left to the garbage collector rather than handed to the next renter.
                if (read is null || read.IsCompleted)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }

        /// <summary>Flushes the sink, then saves the cursor of the last entry in it.</summary>
        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (sink.Pending == 0)
            {
                return;
            }

            await sink.FlushAsync(cancellationToken);
            if (_pendingCursor is not null && _pendingCursor != Cursor)
            {
                cursorFile.Write(_pendingCursor);
                Cursor = _pendingCursor;
            }
        }

        private static string? CursorOf(ReadOnlySpan<byte> input, List<JournalField> fields)
        {
            foreach (var field in fields)
            {
                if (field.Name(input).SequenceEqual(JournalFieldNames.Cursor))
                {
                    return System.Text.Encoding.UTF8.GetString(field.Value(input));
                }
            }

            return null;
        }
    }
}
