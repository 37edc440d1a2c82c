using System.Diagnostics;
using System.Globalization;
using TapeAD.Compiler;

namespace TapeAD.Cli;

/// <summary><c>tapead inspect FILE</c>: what a model is, and what each derivative query costs to prepare.</summary>
public static class InspectCommand
{
    /// <summary>Prints the model's description, then per query the size of its scalar graph, how
    /// the compiled query runs (one method, several, interpreted, or layer level) and the time to prepare it.
    /// Every query is prepared before anything is printed, so a failure prints its error line alone.</summary>
    public static int Run(string spec, Options options, TextWriter o)
    {
        options.RejectUnknown("inspect");
        var model = ModelSource.Load(spec);
        // A gradient of output 0 does not exist then; say so rather than name an index range of 0 to -1.
        if (model.Function.OutputLength == 0)
            throw new InvalidDataException($"{spec}: the model has no outputs (or only empty ones), so there is nothing to differentiate.");
        var rows = new List<string>();
        foreach (string name in Query.Names)
        {
            var clock = Stopwatch.StartNew();
            var compiled = Query.Compile(model, name, null);
            clock.Stop();
            // A layer-level query never builds the scalar graph: that is the point of it.
            (string nodes, string level) = compiled is CompiledFunction c
                ? (c.Source.Graph.Count.ToString(CultureInfo.InvariantCulture), c.Backend.ToString())
                : ("-", "layer level");
            string shape = "[" + string.Join(", ", compiled.Shape) + "]";
            rows.Add($"{name,-10} {shape,-14} {nodes,11} {clock.Elapsed.TotalMilliseconds,11:F1}  {level,-12}");
        }
        o.WriteLine(model.Description);
        o.WriteLine();
        o.WriteLine($"{"query",-10} {"shape",-14} {"graph nodes",11} {"prepare ms",11}  {"compiled as",-12}");
        foreach (string row in rows) o.WriteLine(row);
        return CommandLine.Ok;
    }
}
