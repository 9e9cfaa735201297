namespace Loggia.Cli.Commands;

/// <summary>Go-style flags (<c>-name=value</c>, <c>-name value</c>, <c>-bool</c>) plus positional arguments.</summary>
internal sealed class CliFlags
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    /// <summary>Parses <paramref name="args"/>; <paramref name="booleans"/> take no value.</summary>
    public static CliFlags Parse(IReadOnlyList<string> args, IReadOnlySet<string> known, IReadOnlySet<string> booleans)
    {
        var flags = new CliFlags();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-")
            {
                flags.Positional.Add(arg);
                continue;
            }

            var body = arg.TrimStart('-');
            var equals = body.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? body : body[..equals];
            if (!known.Contains(name) && !booleans.Contains(name))
            {
                throw new ArgumentException($"flag provided but not defined: -{name}");
            }

            if (equals >= 0)
            {
                flags._values[name] = body[(equals + 1)..];
            }
            else if (booleans.Contains(name))
            {
                flags._values[name] = "true";
            }
            else if (i + 1 < args.Count)
            {
                flags._values[name] = args[++i];
            }
            else
            {
                throw new ArgumentException($"flag needs an argument: -{name}");
            }
        }

        return flags;
    }

    public string Get(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public bool Has(string name) => _values.TryGetValue(name, out var value) && value != "false";
}
