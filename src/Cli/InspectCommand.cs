using System.Diagnostics;
using System.Globalization;
using TapeAD.Compiler;

namespace TapeAD.Cli;

/// <summary><c>tapead inspect FILE</c>: what a model is, and what each derivative query costs to prepare.</summary>
public static class InspectCommand
{
    /// <summary>Prints the model's description, then per query the size of its scalar graph, how
    /// the compiled query runs (one method, several, interpreted, or layer level) and the time to prepare it.</summary>
    public static int Run(string spec, Options options, TextWriter o)
    {
        options.RejectUnknown("inspect");
        var model = ModelSource.Load(spec);
        o.WriteLine(model.Description);
        o.WriteLine();
        o.WriteLine($"{"query",-10} {"shape",-14} {"graph nodes",11} {"prepare ms",11}  {"compiled as",-12}");
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
            o.WriteLine($"{name,-10} {shape,-14} {nodes,11} {clock.Elapsed.TotalMilliseconds,11:F1}  {level,-12}");
        }
        return CommandLine.Ok;
    }
}
