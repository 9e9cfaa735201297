using System.Text;

namespace Loggia.Query.Execution.Templates;

/// <summary>The Go parameter types of template functions; arguments are checked against them as Go does.</summary>
internal enum ParamType : byte
{
    String,
    Int,
    Float64,
    Bool,
    Time,

    /// <summary><c>interface {}</c> (or <c>reflect.Value</c> for builtins): any value, nil included.</summary>
    Any,
}

/// <summary>What a function body may use besides its arguments. One instance per executing template.</summary>
internal sealed class CallContext
{
    public ITemplateContext Data { get; set; } = null!;

    /// <summary>Scratch buffer for bodies that build strings; empty on entry.</summary>
    public StringBuilder Scratch { get; } = new();

    /// <summary>The call site's compiled regex, for functions whose first argument is a pattern.</summary>
    public RegexSite? Site { get; set; }

    public string TakeScratch()
    {
        var s = Scratch.ToString();
        Scratch.Clear();
        return s;
    }
}

internal delegate GoValue FunctionBody(ReadOnlySpan<GoValue> args, CallContext context);

/// <summary>
/// A function callable from a template: Go's signature (parameter types, variadic last parameter) and
/// its body. A body reports a Go error (the function's <c>error</c> result, or a recovered panic) by
/// throwing <see cref="TemplateFunctionException"/>.
/// </summary>
internal sealed class TemplateFunction(string name, ParamType[] parameters, bool variadic, FunctionBody body)
{
    public string Name { get; } = name;

    public ParamType[] Parameters { get; } = parameters;

    /// <summary>The last parameter takes any number of arguments (Go's <c>...T</c>).</summary>
    public bool Variadic { get; } = variadic;

    public FunctionBody Body { get; } = body;

    /// <summary>The first argument is a regular expression, compiled at parse time when it is a literal.</summary>
    public bool UsesRegex { get; init; }

    /// <summary><c>and</c>/<c>or</c>: arguments are evaluated lazily and the deciding one is returned.</summary>
    public bool ShortCircuit { get; init; }
}

/// <summary>The error a Go template function returned; execution reports it as <c>error calling NAME: MESSAGE</c>.</summary>
internal sealed class TemplateFunctionException : Exception
{
    public TemplateFunctionException()
    {
    }

    public TemplateFunctionException(string message)
        : base(message)
    {
    }

    public TemplateFunctionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
