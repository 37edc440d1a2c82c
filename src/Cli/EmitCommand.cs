using TapeAD.Compiler;

namespace TapeAD.Cli;

/// <summary><c>tapead emit</c>: one query of one model as a self-contained C# source file
/// (<see cref="SourceEmitter"/>), for builds that cannot or should not compile at run time.</summary>
public static class EmitCommand
{
    /// <summary>Runs the command: writes the source to <c>--out</c> (atomically) or to standard output.</summary>
    public static int Run(Options options, TextWriter stdout)
    {
        string modelSpec = options.Required("model");
        string queryName = options.Required("query");
        int? outputIndex = options.OptionalIndex("output-index");
        string? outPath = options.Optional("out");
        var emitOptions = new SourceEmitterOptions
        {
            Namespace = options.Optional("namespace") ?? SourceEmitterOptions.Default.Namespace,
            ClassName = options.Optional("class") ?? SourceEmitterOptions.Default.ClassName,
        };
        options.RejectUnknown("emit");

        var model = ModelSource.Load(modelSpec);
        // Always the scalar graph: the tensor level's queries have no emitted form yet.
        string source = Query.Build(model.Function, queryName, outputIndex).EmitCSharp(emitOptions);
        if (outPath == null)
        {
            stdout.Write(source);
            return CommandLine.Ok;
        }
        using var output = OutputFile.Create(outPath);
        output.Write(System.Text.Encoding.UTF8.GetBytes(source));
        output.Commit(stdout);
        return CommandLine.Ok;
    }
}
