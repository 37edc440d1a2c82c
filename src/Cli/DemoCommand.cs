using System.Diagnostics;
using System.Globalization;
using TapeAD.Compiler;
using TapeAD.Nn;
using TapeAD.Tape;

namespace TapeAD.Cli;

/// <summary><c>tapead demo</c>: every derivative of the seed network at one point, checked and timed.</summary>
public static class DemoCommand
{
    private static readonly double[] Point = [0.5, -0.3, 0.8, -1.2, 0.1];

    /// <summary>Runs the demo.</summary>
    public static int Run(Options options, TextWriter o)
    {
        options.RejectUnknown("demo");
        var chain = BuiltinModels.Seed();
        var model = chain.ToFunction();
        int m = model.OutputLength, d = model.InputLength;
        o.WriteLine($"seed network: Chain(Dense(5,3,elu), Dense(3,3)), {model.Graph.Count} tape nodes");
        o.WriteLine($"x = [{Join(Point)}]");

        var prepare = Stopwatch.StartNew();
        var value = model.Compile();
        var jacobian = model.Jacobian().Compile();
        var hessian = model.Hessian().Compile();
        var diag = model.SecondOrderJacobian().Compile();
        var laplacian = model.Laplacian().Compile();
        prepare.Stop();
        o.WriteLine($"prepared 5 compiled queries in {prepare.Elapsed.TotalMilliseconds:F0} ms");

        double[] y = value.Evaluate(Point), j = jacobian.Evaluate(Point), h = hessian.Evaluate(Point);
        double[] dd = diag.Evaluate(Point), lap = laplacian.Evaluate(Point);
        o.WriteLine();
        o.WriteLine($"value y = [{Join(y)}]");
        PrintMatrix(o, "jacobian dy_i/dx_j", j, m, d);
        for (int i = 0; i < m; i++) PrintMatrix(o, $"hessian of y[{i}]", h.AsSpan(i * d * d, d * d).ToArray(), d, d);
        PrintMatrix(o, "second-order jacobian d2y_i/dx_j2", dd, m, d);
        o.WriteLine($"laplacian = [{Join(lap)}]");

        o.WriteLine();
        o.WriteLine("largest difference against central finite differences (Richardson, h = 1e-3):");
        double jErr = 0, hErr = 0, dErr = 0;
        for (int k = 0; k < d; k++)
        {
            var fdJ = FiniteDifferences.Partial(p => value.Evaluate(p), Point, k);
            var fdH = FiniteDifferences.Partial(p => jacobian.Evaluate(p), Point, k);
            for (int i = 0; i < m; i++)
            {
                jErr = Math.Max(jErr, Math.Abs(fdJ[i] - j[i * d + k]));
                dErr = Math.Max(dErr, Math.Abs(fdH[i * d + k] - dd[i * d + k]));
                for (int l = 0; l < d; l++) hErr = Math.Max(hErr, Math.Abs(fdH[i * d + l] - h[(i * d + l) * d + k]));
            }
        }
        o.WriteLine($"  jacobian {jErr:E2}   hessian {hErr:E2}   second-order jacobian {dErr:E2}");

        o.WriteLine();
        o.WriteLine("time per call of the second-order jacobian (same process):");
        var result = new double[diag.OutputLength];
        double compiledNs = TimePerCall(() => diag.Evaluate(Point, result), 2_000_000);
        var source = diag.Source;
        double interpretedNs = TimePerCall(() => source.Evaluate(Point, result), 100_000);
        o.WriteLine($"  compiled    {compiledNs,10:F1} ns");
        o.WriteLine($"  interpreter {interpretedNs,10:F1} ns   ({interpretedNs / compiledNs:F0}x slower)");
        return CommandLine.Ok;
    }

    private static double TimePerCall(Action call, int calls)
    {
        for (int k = 0; k < Math.Min(calls, 10_000); k++) call();
        var clock = Stopwatch.StartNew();
        for (int k = 0; k < calls; k++) call();
        return clock.Elapsed.TotalNanoseconds / calls;
    }

    private static void PrintMatrix(TextWriter o, string title, double[] values, int rows, int cols)
    {
        o.WriteLine($"{title}:");
        for (int r = 0; r < rows; r++)
        {
            o.Write("  ");
            for (int c = 0; c < cols; c++) o.Write(values[r * cols + c].ToString("+0.000000;-0.000000", CultureInfo.InvariantCulture).PadLeft(12));
            o.WriteLine();
        }
    }

    private static string Join(double[] values) =>
        string.Join(", ", values.Select(v => v.ToString("G10", CultureInfo.InvariantCulture)));
}
