namespace TapeAD.Cli;

/// <summary>The <c>tapead</c> command: dispatches to a subcommand and turns user errors into exit codes.</summary>
public static class CommandLine
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;
    /// <summary>Exit code for bad input (files, numbers, models).</summary>
    public const int BadInput = 1;
    /// <summary>Exit code for a malformed command line.</summary>
    public const int Usage = 2;
    /// <summary>Exit code for a failure that is tapead's fault, not the input's: reported in one line, as a bug.</summary>
    public const int Internal = 3;

    private const string Help = """
        tapead: first and second derivatives of neural networks, compiled.

        usage:
          tapead demo
              the seed network Chain(Dense(5,3,elu), Dense(3,3)): value, Jacobian, Hessians and
              second-order Jacobian at a point, checked against finite differences, and timed.
          tapead inspect FILE|builtin:NAME
              inputs, outputs, layers or operators of a model (JSON or ONNX), and per query the
              number of graph nodes and the time to differentiate and compile it.
          tapead derive --model FILE|builtin:NAME --query QUERY --inputs X.csv
                        [--vectors V.csv] [--output-index K] [--out Y.csv] [--threads N]
              QUERY: value | gradient | jacobian | hessian | hvp | diag | laplacian
              one input per CSV line, one result per output line (row-major, round-trip numbers),
              streamed in blocks on N threads (default: all cores); progress on a terminal's stderr.
              gradient and single-output hvp take --output-index; hvp takes --vectors.
              --out is written whole or not at all, and may not be an input file.
              FILE is a JSON model file or an ONNX file (*.onnx); built-in models: seed,
              small-deep, pinn, wide.
          tapead emit --model FILE|builtin:NAME --query QUERY [--output-index K]
                      [--namespace NS] [--class NAME] [--out Model.cs]
              the query as a self-contained C# file (straight-line code, no TapeAD needed at run
              time) with Evaluate(ReadOnlySpan<double>, Span<double>) and EvaluateBatch; for
              NativeAOT, Unity and start-up without compiling. Default class TapeAD.Generated.Model.
        """;

    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            stdout.WriteLine(Help);
            return args.Length == 0 ? Usage : Ok;
        }
        try
        {
            return args[0] switch
            {
                "demo" => DemoCommand.Run(Options.Parse(args.AsSpan(1)), stdout),
                // Progress only on a terminal, so that logs and pipes get the results and errors alone.
                "derive" => DeriveCommand.Run(Options.Parse(args.AsSpan(1)), stdout,
                    ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected ? stderr : null),
                "emit" => EmitCommand.Run(Options.Parse(args.AsSpan(1)), stdout),
                "inspect" when args.Length >= 2 => InspectCommand.Run(args[1], Options.Parse(args.AsSpan(2)), stdout),
                "inspect" => throw new UsageException("inspect needs a model: tapead inspect FILE|builtin:NAME"),
                _ => throw new UsageException($"unknown command '{args[0]}'; expected demo, derive, emit or inspect"),
            };
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"tapead: {e.Message}");
            stderr.WriteLine("run 'tapead --help' for usage");
            return Usage;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidDataException
                                      or NotSupportedException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"tapead: {e.Message}");
            return BadInput;
        }
        catch (Exception e)
        {
            // Anything else is a bug: one line a user can paste into an issue, never a stack trace.
            stderr.WriteLine($"tapead: internal error ({e.GetType().Name}: {e.Message}); please report it with the command and files");
            return Internal;
        }
    }
}

/// <summary>A malformed command line (unknown option, missing value).</summary>
public sealed class UsageException(string message) : Exception(message);
