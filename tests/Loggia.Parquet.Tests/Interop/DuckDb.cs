using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Loggia.Parquet.Tests.Interop;

/// <summary>One query result from DuckDB: column names with DuckDB type names, and rows of canonical JSON values.</summary>
/// <remarks>
/// Values use the encoding of <c>tests/interop/duckdb.mjs</c> (see <c>tests/interop/README.md</c>): NULL is JSON null,
/// integers of any width and temporal values are decimal strings, doubles are shortest round-trip strings, and so on.
/// </remarks>
internal sealed record DuckDbResult(IReadOnlyList<(string Name, string Type)> Columns, IReadOnlyList<JsonElement[]> Rows)
{
    /// <summary>The index of the column called <paramref name="name"/>.</summary>
    public int ColumnIndex(string name)
    {
        for (int i = 0; i < Columns.Count; i++)
        {
            if (Columns[i].Name == name)
            {
                return i;
            }
        }

        throw new KeyNotFoundException($"no column '{name}' in the DuckDB result ({string.Join(", ", Columns.Select(c => c.Name))})");
    }

    /// <summary>The single value of a one-row, one-column result.</summary>
    public JsonElement Scalar => Rows is [[var value]] ? value : throw new InvalidOperationException($"expected one value, got {Rows.Count} rows");
}

/// <summary>
/// Runs SQL in DuckDB (the independent Parquet implementation our files are proven against) through
/// <c>node tests/interop/duckdb.mjs</c>. Needs Node.js and <c>npm install --prefix tests/interop</c>.
/// </summary>
internal static class DuckDb
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private static readonly Lazy<string> RepoRoot = new(FindRepoRoot);

    /// <summary>The <c>tests/interop</c> folder of this repository.</summary>
    public static string InteropDirectory => Path.Combine(RepoRoot.Value, "tests", "interop");

    /// <summary>Whether the DuckDB node package is installed (<c>tests/interop/node_modules/@duckdb/node-api</c>).</summary>
    public static bool IsInstalled => Directory.Exists(Path.Combine(InteropDirectory, "node_modules", "@duckdb", "node-api"));

    /// <summary>Runs a query and returns its columns and rows.</summary>
    /// <exception cref="InvalidOperationException">DuckDB is not installed, or the query failed (with DuckDB's message).</exception>
    public static DuckDbResult Query(string sql)
    {
        string output = Run("query", sql);
        try
        {
            using JsonDocument document = JsonDocument.Parse(output);
            JsonElement root = document.RootElement;
            var columns = new List<(string, string)>();
            foreach (JsonElement column in root.GetProperty("columns").EnumerateArray())
            {
                columns.Add((column.GetProperty("name").GetString()!, column.GetProperty("type").GetString()!));
            }

            var rows = new List<JsonElement[]>();
            foreach (JsonElement row in root.GetProperty("rows").EnumerateArray())
            {
                var values = new JsonElement[row.GetArrayLength()];
                int i = 0;
                foreach (JsonElement value in row.EnumerateArray())
                {
                    values[i++] = value.Clone();
                }

                rows.Add(values);
            }

            return new DuckDbResult(columns, rows);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidOperationException($"duckdb.mjs printed output that is not a query result: {Truncate(output)}", e);
        }
    }

    /// <summary>Runs one or more statements (e.g. <c>COPY ... TO '...' (FORMAT parquet)</c>).</summary>
    /// <exception cref="InvalidOperationException">DuckDB is not installed, or a statement failed (with DuckDB's message).</exception>
    public static void Exec(string sql)
    {
        string output = Run("exec", sql);
        if (output.Trim() != """{"ok":true}""")
        {
            throw new InvalidOperationException($"duckdb.mjs exec printed unexpected output: {Truncate(output)}");
        }
    }

    /// <summary>Quotes <paramref name="text"/> as a SQL string literal (for file paths in queries).</summary>
    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Run(string command, string sql)
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException(
                $"DuckDB for the interop tests is not installed: run `npm install --prefix tests/interop` in {RepoRoot.Value} (needs Node.js 20+)");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = InteropDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(InteropDirectory, "duckdb.mjs"));
        start.ArgumentList.Add(command);
        start.ArgumentList.Add(sql);

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("could not start `node` for the DuckDB interop harness; is Node.js installed and on PATH?", e);
        }

        process.StandardInput.Close();

        // Read both pipes concurrently so a large stdout or stderr cannot block the child.
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"DuckDB did not finish within {Timeout.TotalSeconds:F0} s: {Truncate(sql)}");
        }

        process.WaitForExit();
        string output = stdout.GetAwaiter().GetResult();
        string error = stderr.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"DuckDB {command} failed (exit code {process.ExitCode}): {error.Trim()}{Environment.NewLine}SQL: {Truncate(sql)}");
        }

        return output;
    }

    private static string Truncate(string text) => text.Length <= 2000 ? text : text[..2000] + "…";

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Loggia.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no folder containing Loggia.slnx found above {AppContext.BaseDirectory}");
    }
}
