using BenchmarkDotNet.Running;

namespace TapeAD.Bench;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "export-models")
        {
            Models.Export(args.Length > 1 ? args[1] : Path.Combine("bench", "models"));
            return 0;
        }
        if (args.Length > 0 && args[0] == "check")
            return CheckReport.Run(args[1..]);
        if (args.Length > 0 && args[0] == "prepare")
            return PrepareReport.Run(args[1..]);
        if (args.Length > 0 && args[0] == "small-batch")
            return Batches.SmallBatchReport.Run(args[1..]);
        if (args.Length > 0 && args[0] == "roofline")
            return Batches.RooflineReport.Run(args[1..]);
        if (args.Length > 0 && args[0] == "onnx")
            return Onnx.OnnxReport.Run(args[1..]);
        if (args.Length > 0 && args[0] == "scale")
            return Scale.ScaleReport.Run(args[1..]);
        if (args.Length > 0 && args[0] == "batch")
            return BatchReport.Run(args[1..]);
        // --cases seed,pinn: only these models' cases (our option, removed before BenchmarkDotNet sees the arguments).
        int at = Array.IndexOf(args, "--cases");
        if (at >= 0 && at + 1 < args.Length)
        {
            Cases.ModelFilter = args[at + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            args = [.. args[..at], .. args[(at + 2)..]];
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
