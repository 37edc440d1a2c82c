using System.Diagnostics;
using System.Globalization;
using TapeAD.Compiler;

namespace TapeAD.Cli;

/// <summary><c>tapead inspect FILE</c>: what a model is, its tensor graph, and how each derivative query runs.</summary>
public static class InspectCommand
{
    /// <summary>Prints the model's description and tensor graph, then per query the level and mode the cost model
    /// chooses, the rows it propagates, the scalar graph's size where that level is chosen, and the time to prepare it.
    /// Every query is prepared before anything is printed, so a failure prints its error line alone.</summary>
    public static int Run(string spec, Options options, TextWriter o)
    {
        options.RejectUnknown("inspect");
        var model = ModelSource.Load(spec);
        // A gradient of output 0 does not exist then; say so rather than name an index range of 0 to -1.
        if (model.Tensor.OutputLength == 0)
            throw new InvalidDataException($"{spec}: the model has no outputs (or only empty ones), so there is nothing to differentiate.");
        var rows = new List<string>();
        foreach (string name in Query.Names)
        {
            var choice = Query.Choose(model, name, null);
            var clock = Stopwatch.StartNew();
            var compiled = Query.Compile(model, name, null);
            clock.Stop();
            // A tensor-level query never builds the scalar graph: that is the point of it.
            (string nodes, string backend) = compiled is CompiledFunction c
                ? (c.Source.Graph.Count.ToString(CultureInfo.InvariantCulture), c.Backend.ToString())
                : ("-", "tensor executor");
            string shape = "[" + string.Join(", ", compiled.Shape) + "]";
            string level = choice.ScalarGraph ? "scalar graph" : "tensor level";
            string propagated = $"{choice.ForwardRows}+{choice.ReverseRows}";
            rows.Add($"{name,-10} {shape,-14} {level,-13} {choice.Mode,-19} {propagated,13} {nodes,11} {clock.Elapsed.TotalMilliseconds,11:F1}  {backend,-12}");
        }
        o.WriteLine(model.Description);
        o.WriteLine(model.Tensor.DescribeGraph());
        o.WriteLine();
        o.WriteLine($"{"query",-10} {"shape",-14} {"level",-13} {"mode",-19} {"rows fwd+back",13} {"graph nodes",11} {"prepare ms",11}  {"compiled as",-12}");
        foreach (string row in rows) o.WriteLine(row);
        return CommandLine.Ok;
    }
}
