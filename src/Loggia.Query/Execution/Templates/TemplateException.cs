namespace Loggia.Query.Execution.Templates;

/// <summary>
/// A Go template failed to parse or to execute. <see cref="Exception.Message"/> is Go's
/// <c>text/template</c> text, which Loki passes on unchanged:
/// <list type="bullet">
/// <item>Parse errors: <c>template: NAME:LINE: DETAIL</c>, e.g. <c>template: line:1: function "foo" not defined</c>.
/// Loki wraps them at query parse time (HTTP 400): <c>line_format</c> as
/// <c>invalid line template: MESSAGE</c>, <c>label_format</c> as
/// <c>invalid template for label 'DST': MESSAGE</c>, both then inside LogQL's <c>parse error : …</c>.</item>
/// <item>Execution errors: <c>template: NAME:LINE:COL: executing "NAME" at &lt;NODE&gt;: DETAIL</c>, e.g.
/// <c>template: line:1:2: executing "line" at &lt;div 1 0&gt;: error calling div: runtime error: integer divide by zero</c>.
/// Loki keeps the entry (line unchanged for <c>line_format</c>, label not set for <c>label_format</c>) and
/// adds the labels <c>__error__="TemplateFormatErr"</c> and <c>__error_details__=MESSAGE</c>.</item>
/// </list>
/// NAME is the template's name: Loki uses <c>line</c> for <c>line_format</c> and <c>label</c> for
/// <c>label_format</c> (see <see cref="GoTemplate.Parse(string, string)"/>).
/// </summary>
public sealed class TemplateException : Exception
{
    /// <summary>Loki's <c>__error__</c> value for a template that failed to execute.</summary>
    public const string ErrorLabelValue = "TemplateFormatErr";

    public TemplateException()
    {
    }

    public TemplateException(string message)
        : base(message)
    {
    }

    public TemplateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
