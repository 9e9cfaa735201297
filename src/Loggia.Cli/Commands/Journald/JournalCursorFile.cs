using System.Text;
using Loggia.Core.IO;

namespace Loggia.Cli.Commands.Journald;

/// <summary>
/// The collector's position in the journal: the <c>__CURSOR</c> of the last entry that is durable at the output,
/// replaced atomically (temp file, fsync, rename, fsync of the directory) so a crash leaves the old or the new cursor.
/// </summary>
internal sealed class JournalCursorFile(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The saved cursor, or null before the first run.</summary>
    public string? Read()
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        var text = File.ReadAllText(Path, Encoding.UTF8).Trim();
        return text.Length == 0 ? null : text;
    }

    /// <summary>Saves <paramref name="cursor"/>; call only once the entries up to it are acknowledged.</summary>
    public void Write(string cursor)
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(directory);
        var temp = Path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(Encoding.UTF8.GetBytes(cursor + "\n"));
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, Path, overwrite: true);
        DirectorySync.Flush(directory);
    }
}
