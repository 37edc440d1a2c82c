using System.Diagnostics;
using TapeAD.Compiler;

namespace TapeAD.Cli;

/// <summary><c>tapead inspect FILE</c>: what a model is, and what each derivative query costs to prepare.</summary>
public static class InspectCommand
{
    /// <summary>Prints the model's description, then per query the graph size before and after
    /// optimisation and the time to differentiate and compile it.</summary>
    public static int Run(string spec, Options options, TextWriter o)
    {
        options.RejectUnknown("inspect");
        o.WriteLine(ModelSource.Describe(spec).TrimEnd());
        var model = ModelSource.Load(spec);
        o.WriteLine();
        o.WriteLine($"{"query",-10} {"shape",-14} {"nodes",8} {"prepare ms",11}");
        foreach (string name in Query.Names)
        {
            var clock = Stopwatch.StartNew();
            var query = Query.Build(model, name, null);
            var compiled = query.Compile();
            clock.Stop();
            string shape = "[" + string.Join(", ", query.Shape) + "]";
            o.WriteLine($"{name,-10} {shape,-14} {query.Graph.Count,8} {clock.Elapsed.TotalMilliseconds,11:F1}");
            GC.KeepAlive(compiled);
        }
        return CommandLine.Ok;
    }
}
