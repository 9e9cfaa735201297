namespace Loggia.Query.Execution.Templates;

/// <summary>The Go types a template value can have here (what Loki's functions and <c>fromJson</c> produce).</summary>
internal enum GoKind : byte
{
    /// <summary>An untyped nil (Go's invalid <c>reflect.Value</c>): prints as <c>&lt;no value&gt;</c>.</summary>
    Nil,
    Bool,
    Int,
    Int64,
    Float64,
    String,
    Time,

    /// <summary>The entry's labels, a <c>map[string]string</c> read through the <see cref="ITemplateContext"/>.</summary>
    Labels,

    /// <summary><c>map[string]interface {}</c> from <c>fromJson</c>.</summary>
    Map,

    /// <summary><c>[]interface {}</c> from <c>fromJson</c>.</summary>
    Slice,
}

/// <summary>
/// One Go value, held without boxing for the scalar kinds so evaluating a template allocates only the
/// strings functions must create.
/// </summary>
internal readonly struct GoValue
{
    public static readonly GoValue Nil;
    public static readonly GoValue EmptyString = new(GoKind.String, 0, 0, 0, "");
    public static readonly GoValue True = new(GoKind.Bool, 1, 0, 0, null);
    public static readonly GoValue False = new(GoKind.Bool, 0, 0, 0, null);
    public static readonly GoValue Labels = new(GoKind.Labels, 0, 0, 0, null);

    private readonly long _long;
    private readonly double _double;
    private readonly int _nanos;
    private readonly object? _ref;

    private GoValue(GoKind kind, long l, double d, int nanos, object? r)
    {
        Kind = kind;
        _long = l;
        _double = d;
        _nanos = nanos;
        _ref = r;
    }

    public GoKind Kind { get; }

    public bool IsNil => Kind == GoKind.Nil;

    public static GoValue Bool(bool b) => b ? True : False;

    public static GoValue Int(long i) => new(GoKind.Int, i, 0, 0, null);

    public static GoValue Int64(long i) => new(GoKind.Int64, i, 0, 0, null);

    public static GoValue Float(double d) => new(GoKind.Float64, 0, d, 0, null);

    public static GoValue String(string s) => s.Length == 0 ? EmptyString : new(GoKind.String, 0, 0, 0, s);

    public static GoValue Time(GoTime t) => new(GoKind.Time, t.Seconds, 0, t.Nanos, t.Zone);

    public static GoValue Map(Dictionary<string, GoValue> map) => new(GoKind.Map, 0, 0, 0, map);

    public static GoValue Slice(List<GoValue> list) => new(GoKind.Slice, 0, 0, 0, list);

    public bool AsBool => _long != 0;

    /// <summary>The value of an <c>int</c> or <c>int64</c>.</summary>
    public long AsInt => _long;

    public double AsFloat => _double;

    public string AsString => (string)_ref!;

    public GoTime AsTime => new(_long, _nanos, (TimeZoneInfo?)_ref);

    public Dictionary<string, GoValue> AsMap => (Dictionary<string, GoValue>)_ref!;

    public List<GoValue> AsSlice => (List<GoValue>)_ref!;

    /// <summary>Go's spelling of the value's type, as <c>%T</c> and error messages print it.</summary>
    public string TypeName => TypeNameOf(Kind);

    public static string TypeNameOf(GoKind kind) => kind switch
    {
        GoKind.Bool => "bool",
        GoKind.Int => "int",
        GoKind.Int64 => "int64",
        GoKind.Float64 => "float64",
        GoKind.String => "string",
        GoKind.Time => "time.Time",
        GoKind.Labels => "map[string]string",
        GoKind.Map => "map[string]interface {}",
        GoKind.Slice => "[]interface {}",
        _ => "<nil>",
    };

    /// <summary>Whether the value is an integer of any size (Go's basic kind "int" in comparisons).</summary>
    public bool IsInteger => Kind is GoKind.Int or GoKind.Int64;
}
