using System.Text;

namespace Loggia.Query.Execution.Templates;

/// <summary>
/// Every function a Loki <c>line_format</c>/<c>label_format</c> template can call: Go's builtins, Loki's
/// own functions and the Sprig subset Loki registers (<c>pkg/logql/log/fmt.go</c>). Any other name is
/// Go's parse error <c>function "NAME" not defined</c>.
/// </summary>
internal static partial class TemplateFunctions
{
    public static TemplateFunction? Find(string name) => Registry.Functions.TryGetValue(name, out var f) ? f : null;

    /// <summary>The names of all registered functions (for documentation and tests).</summary>
    public static IReadOnlyCollection<string> Names => Registry.Functions.Keys;

    /// <summary>Built on first use, after the parameter-type arrays of all parts of this class exist.</summary>
    private static class Registry
    {
        public static readonly Dictionary<string, TemplateFunction> Functions = Build();
    }

    private static Dictionary<string, TemplateFunction> Build()
    {
        var map = new Dictionary<string, TemplateFunction>(StringComparer.Ordinal);
        void Add(string name, ParamType[] parameters, FunctionBody body, bool variadic = false, bool regex = false, bool shortCircuit = false) =>
            map[name] = new TemplateFunction(name, parameters, variadic, body) { UsesRegex = regex, ShortCircuit = shortCircuit };
        AddBuiltins(Add);
        AddLoki(Add);
        AddSprig(Add);
        return map;
    }

    private delegate void Registrar(string name, ParamType[] parameters, FunctionBody body, bool variadic = false, bool regex = false, bool shortCircuit = false);

    private static readonly ParamType[] None = [];
    private static readonly ParamType[] S = [ParamType.String];
    private static readonly ParamType[] SS = [ParamType.String, ParamType.String];
    private static readonly ParamType[] SSS = [ParamType.String, ParamType.String, ParamType.String];
    private static readonly ParamType[] IS = [ParamType.Int, ParamType.String];
    private static readonly ParamType[] T = [ParamType.Time];
    private static readonly ParamType[] A = [ParamType.Any];
    private static readonly ParamType[] AA = [ParamType.Any, ParamType.Any];

    private static string Sprint(ReadOnlySpan<GoValue> args, CallContext c)
    {
        // Go's evalArgs for html/js/urlquery: a single string as is, anything else through fmt.Sprint.
        if (args.Length == 1 && args[0].Kind == GoKind.String)
        {
            return args[0].AsString;
        }
        GoFormatter.Sprint(c.Scratch, args, c.Data);
        return c.TakeScratch();
    }

    private static void AddBuiltins(Registrar add)
    {
        add("and", A, static (a, _) => a[^1], variadic: true, shortCircuit: true);
        add("or", A, static (a, _) => a[^1], variadic: true, shortCircuit: true);
        add("not", A, static (a, c) => GoValue.Bool(!GoTruth.IsTrue(a[0], c.Data)));
        add("len", A, static (a, c) => GoValue.Int(Length(a[0], c)));
        add("index", [ParamType.Any, ParamType.Any], static (a, c) => Index(a, c), variadic: true);
        add("slice", [ParamType.Any, ParamType.Any], static (a, c) => Slice(a), variadic: true);
        add("print", A, static (a, c) =>
        {
            GoFormatter.Sprint(c.Scratch, a, c.Data);
            return GoValue.String(c.TakeScratch());
        }, variadic: true);
        add("println", A, static (a, c) =>
        {
            GoFormatter.Sprintln(c.Scratch, a, c.Data);
            return GoValue.String(c.TakeScratch());
        }, variadic: true);
        add("printf", [ParamType.String, ParamType.Any], static (a, c) =>
        {
            GoFormatter.Sprintf(c.Scratch, a[0].AsString, a[1..], c.Data);
            return GoValue.String(c.TakeScratch());
        }, variadic: true);
        add("html", A, static (a, c) => GoValue.String(GoStrings.HtmlEscape(Sprint(a, c))), variadic: true);
        add("js", A, static (a, c) => GoValue.String(GoStrings.JsEscape(Sprint(a, c))), variadic: true);
        add("urlquery", A, static (a, c) => GoValue.String(GoStrings.QueryEscape(Sprint(a, c))), variadic: true);
        add("call", [ParamType.Any, ParamType.Any], static (a, _) =>
            throw new TemplateFunctionException("non-function of type " + a[0].TypeName), variadic: true);
        add("eq", [ParamType.Any, ParamType.Any], static (a, _) => GoValue.Bool(Equal(a[0], a[1..])), variadic: true);
        add("ne", AA, static (a, _) => GoValue.Bool(!Equal(a[0], a[1..])));
        add("lt", AA, static (a, _) => GoValue.Bool(Less(a[0], a[1])));
        add("le", AA, static (a, _) => GoValue.Bool(Less(a[0], a[1]) || Equal(a[0], a[1..])));
        add("gt", AA, static (a, _) => GoValue.Bool(!(Less(a[0], a[1]) || Equal(a[0], a[1..]))));
        add("ge", AA, static (a, _) => GoValue.Bool(!Less(a[0], a[1])));
    }

    private static long Length(in GoValue v, CallContext c) => v.Kind switch
    {
        GoKind.String => Encoding.UTF8.GetByteCount(v.AsString),
        GoKind.Map => v.AsMap.Count,
        GoKind.Slice => v.AsSlice.Count,
        GoKind.Labels => GoTruth.LabelCount(c.Data),
        GoKind.Nil => throw new TemplateFunctionException("len of untyped nil"),
        _ => throw new TemplateFunctionException("len of type " + v.TypeName),
    };

    private static GoValue Index(ReadOnlySpan<GoValue> a, CallContext c)
    {
        var item = a[0];
        if (item.IsNil)
        {
            throw new TemplateFunctionException("index of untyped nil");
        }
        for (var i = 1; i < a.Length; i++)
        {
            var index = a[i];
            switch (item.Kind)
            {
                case GoKind.Slice:
                case GoKind.String:
                    {
                        var length = item.Kind == GoKind.Slice ? item.AsSlice.Count : Encoding.UTF8.GetByteCount(item.AsString);
                        var x = IndexArg(index, length);
                        if (x == length)
                        {
                            throw new TemplateFunctionException("reflect: slice index out of range");
                        }
                        item = item.Kind == GoKind.Slice ? item.AsSlice[x] : GoValue.Int(Encoding.UTF8.GetBytes(item.AsString)[x]);
                        break;
                    }
                case GoKind.Labels:
                case GoKind.Map:
                    if (index.Kind != GoKind.String)
                    {
                        throw new TemplateFunctionException(index.IsNil
                            ? "value is nil; should be of type string"
                            : "value has type " + index.TypeName + "; should be string");
                    }
                    if (item.Kind == GoKind.Labels)
                    {
                        item = c.Data.TryGetValue(index.AsString, out var label) ? GoValue.String(label) : GoValue.EmptyString;
                    }
                    else
                    {
                        item = item.AsMap.TryGetValue(index.AsString, out var v) ? v : GoValue.Nil;
                    }
                    break;
                case GoKind.Nil:
                    throw new TemplateFunctionException("index of nil pointer");
                default:
                    throw new TemplateFunctionException("can't index item of type " + item.TypeName);
            }
        }
        return item;
    }

    private static int IndexArg(in GoValue index, int cap)
    {
        if (index.IsNil)
        {
            throw new TemplateFunctionException("cannot index slice/array with nil");
        }
        if (!index.IsInteger)
        {
            throw new TemplateFunctionException("cannot index slice/array with type " + index.TypeName);
        }
        var x = index.AsInt;
        if (x < 0 || x > cap)
        {
            throw new TemplateFunctionException("index out of range: " + x);
        }
        return (int)x;
    }

    private static GoValue Slice(ReadOnlySpan<GoValue> a)
    {
        var item = a[0];
        if (item.IsNil)
        {
            throw new TemplateFunctionException("slice of untyped nil");
        }
        if (a.Length - 1 > 3)
        {
            throw new TemplateFunctionException("too many slice indexes: " + (a.Length - 1));
        }
        int length;
        switch (item.Kind)
        {
            case GoKind.String:
                if (a.Length - 1 == 3)
                {
                    throw new TemplateFunctionException("cannot 3-index slice a string");
                }
                length = Encoding.UTF8.GetByteCount(item.AsString);
                break;
            case GoKind.Slice:
                length = item.AsSlice.Count;
                break;
            default:
                throw new TemplateFunctionException("can't slice item of type " + item.TypeName);
        }
        Span<int> idx = [0, length, length];
        for (var i = 1; i < a.Length; i++)
        {
            idx[i - 1] = IndexArg(a[i], length);
        }
        if (idx[0] > idx[1])
        {
            throw new TemplateFunctionException("invalid slice index: " + idx[0] + " > " + idx[1]);
        }
        if (item.Kind == GoKind.String)
        {
            var bytes = Encoding.UTF8.GetBytes(item.AsString);
            return GoValue.String(Encoding.UTF8.GetString(bytes, idx[0], idx[1] - idx[0]));
        }
        return GoValue.Slice(item.AsSlice.GetRange(idx[0], idx[1] - idx[0]));
    }

    private enum BasicKind
    {
        Invalid,
        Bool,
        Int,
        Float,
        String,
        Other,
    }

    private static BasicKind KindOf(in GoValue v) => v.Kind switch
    {
        GoKind.Nil => BasicKind.Invalid,
        GoKind.Bool => BasicKind.Bool,
        GoKind.Int or GoKind.Int64 => BasicKind.Int,
        GoKind.Float64 => BasicKind.Float,
        GoKind.String => BasicKind.String,
        _ => BasicKind.Other,
    };

    /// <summary>Go's <c>eq arg1 arg2...</c>: true when arg1 equals any of the others.</summary>
    private static bool Equal(in GoValue first, ReadOnlySpan<GoValue> others)
    {
        if (others.Length == 0)
        {
            throw new TemplateFunctionException("missing argument for comparison");
        }
        var k1 = KindOf(first);
        foreach (var other in others)
        {
            var k2 = KindOf(other);
            bool truth;
            if (k1 != k2)
            {
                if (k1 != BasicKind.Invalid && k2 != BasicKind.Invalid)
                {
                    throw new TemplateFunctionException("incompatible types for comparison");
                }
                truth = false;
            }
            else
            {
                truth = k1 switch
                {
                    BasicKind.Bool => first.AsBool == other.AsBool,
                    BasicKind.Int => first.AsInt == other.AsInt,
                    BasicKind.Float => first.AsFloat == other.AsFloat,
                    BasicKind.String => string.Equals(first.AsString, other.AsString, StringComparison.Ordinal),
                    BasicKind.Invalid => true,
                    _ => OtherEqual(first, other),
                };
            }
            if (truth)
            {
                return true;
            }
        }
        return false;
    }

    private static bool OtherEqual(in GoValue a, in GoValue b)
    {
        if (a.Kind == GoKind.Time && b.Kind == GoKind.Time)
        {
            return a.AsTime == b.AsTime;
        }
        if (a.Kind != b.Kind)
        {
            throw new TemplateFunctionException("incompatible types for comparison");
        }
        throw new TemplateFunctionException("non-comparable type " + a.TypeName);
    }

    /// <summary>Go's <c>lt</c>.</summary>
    private static bool Less(in GoValue a, in GoValue b)
    {
        var k1 = KindOf(a);
        var k2 = KindOf(b);
        if (k1 is BasicKind.Invalid or BasicKind.Other || k2 is BasicKind.Invalid or BasicKind.Other)
        {
            throw new TemplateFunctionException("invalid type for comparison");
        }
        if (k1 != k2)
        {
            throw new TemplateFunctionException("incompatible types for comparison");
        }
        return k1 switch
        {
            BasicKind.Float => a.AsFloat < b.AsFloat,
            BasicKind.Int => a.AsInt < b.AsInt,
            BasicKind.String => string.CompareOrdinal(a.AsString, b.AsString) < 0,
            _ => throw new TemplateFunctionException("invalid type for comparison"),
        };
    }
}
