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
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
