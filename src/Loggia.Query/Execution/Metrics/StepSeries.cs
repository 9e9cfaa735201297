using Loggia.Core.Model;

namespace Loggia.Query.Execution.Metrics;

/// <summary>
/// One series over the step grid: a value per step and whether the series has a sample at that step. Every node of
/// a metric expression evaluates to a list of these, so memory grows with series × steps, never with lines.
/// </summary>
internal sealed class StepSeries
{
    public StepSeries(Labels labels, int steps)
    {
        Labels = labels;
        Values = new double[steps];
        Present = new bool[steps];
    }

    public Labels Labels { get; set; }

    public double[] Values { get; }

    public bool[] Present { get; }

    public bool Any()
    {
        foreach (var p in Present)
        {
            if (p)
            {
                return true;
            }
        }
        return false;
    }

    public void Set(int step, double value)
    {
        Values[step] = value;
        Present[step] = true;
    }
}
