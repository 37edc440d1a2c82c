using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TapeAD.Bench.HandWritten;
using TapeAD.Nn;
using TapeAD.Tape;

namespace TapeAD.Bench.Batches;

/// <summary>
/// <c>roofline [seed|small-deep ...] [--time-ms N]</c>: how fast a small network's batch query could be on
/// this machine at all, next to issue 14's target (half the hand-written batch peer's time) and what the
/// hand-written batch and TapeAD take now, all measured in one run.
/// </summary>
/// <remarks>
/// The floor of a query is its multiply-adds at the machine's FMA throughput plus its activations at the
/// throughput of TapeAD's own elementwise kernels (the value only; σ′ and σ″ and every row update are left
/// out, so the floor is below anything that computes the query). The multiply-adds are those of the cheapest
/// known evaluation: forward Taylor propagation on the hand-written peer's rows (<see cref="BatchRows"/>; the
/// first layer's tangent rows are weight columns and cost nothing) and, for the Hessian and the second-order
/// Jacobian, curvature mode (d tangents forward, one adjoint row per output back to the first nonlinear layer,
/// one multiply-add per curvature entry per output per nonlinear unit). A floor above the target means no
/// reordering of this arithmetic meets the target here; only less arithmetic or wider vectors would.
/// </remarks>
public static class RooflineReport
{
    private const int Span = 1024;

    public static int Run(string[] args)
    {
        var (budget, models) = SmallBatchReport.Start(args);
        double macPerNs = FmaThroughput(budget);
        var kernels = KernelCosts(budget);
        Console.WriteLine($"FMA throughput: {macPerNs:F1} multiply-adds per ns (1 thread, {(Vector512.IsHardwareAccelerated ? "Vector512" : "Vector256")}, 12 independent chains)");
        Console.WriteLine("Elementwise kernels, span of 1,024 in L1, ns per element: " +
            string.Join(", ", kernels.Select(k => $"{k.Key} {k.Value:F2}")) + " (the last is the hand-written peer's)");
        Console.WriteLine();
        Console.WriteLine("| case | multiply-adds (forward Taylor / curvature) | activations | floor | target (½ hand batch) | floor ÷ target | hand batch | TapeAD batch | TapeAD ÷ hand |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var model in models)
            foreach (var q in Enum.GetValues<Query>())
            {
                using var c = new SmallBatchCase(model, q);
                c.Verify();
                var chain = c.Model;
                long taylor = TaylorMultiplyAdds(chain, q);
                long? curvature = q is Query.Hessian or Query.SecondOrderJacobian ? CurvatureMultiplyAdds(chain, q) : null;
                long macs = Math.Min(taylor, curvature ?? long.MaxValue);
                double activationNs = chain.Layers.Where(l => l.Activation != Activation.Identity)
                    .Sum(l => l.Outputs * kernels[KernelOf(l.Activation)]);
                double floor = macs / macPerNs + activationNs;
                double Per(Action run) => Timing.Fastest(run, budget) / SmallBatchCase.Size * 1000;
                double hand = Per(c.RunHandBatch), tapead = Per(c.RunTapeADBatch);
                Console.WriteLine($"| {model}/{q} | {taylor:N0} / {(curvature is long cv ? cv.ToString("N0") : "—")} | {activationNs:F0} ns | " +
                    $"{floor:F0} ns | {hand / 2:F0} ns | {floor / (hand / 2):F2} | {hand:F0} ns | {tapead:F0} ns | {tapead / hand:F2} |");
            }
        Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    /// <summary>Forward Taylor on the peer's rows: every data row of the first layer and every row of the
    /// later layers goes through the layer's product.</summary>
    public static long TaylorMultiplyAdds(Chain chain, Query q)
    {
        var rows = new BatchRows(q, chain.InputLength);
        long sum = 0;
        for (int li = 0; li < chain.Layers.Count; li++)
        {
            var l = chain.Layers[li];
            int products = li == 0
                ? Enumerable.Range(0, rows.Count).Count(r => rows.InputKind(r).Kind == RowKind.Data)
                : rows.Count;
            sum += (long)products * l.Inputs * l.Outputs;
        }
        return sum;
    }

    /// <summary>Curvature mode: the value and d tangents forward (the first layer's tangents free), one adjoint
    /// row per output back through every layer after the first nonlinear one, and one multiply-add per output
    /// per nonlinear unit per curvature entry (d(d+1)/2 for the Hessian, d for the diagonal).</summary>
    public static long CurvatureMultiplyAdds(Chain chain, Query q)
    {
        int d = chain.InputLength, m = chain.OutputLength;
        int entries = q == Query.Hessian ? d * (d + 1) / 2 : d;
        long sum = 0;
        bool pastNonlinear = false;
        for (int li = 0; li < chain.Layers.Count; li++)
        {
            var l = chain.Layers[li];
            long product = (long)l.Inputs * l.Outputs;
            sum += (li == 0 ? 1 : 1 + d) * product;
            if (pastNonlinear) sum += m * product;
            if (l.Activation != Activation.Identity)
            {
                sum += (long)m * l.Outputs * entries;
                pastNonlinear = true;
            }
        }
        return sum;
    }

    private static string KernelOf(Activation a) => a switch
    {
        Activation.Tanh => "tanh",
        Activation.Sigmoid => "sigmoid",
        Activation.Softplus => "softplus",
        // elu, as VarMath.Elu records it, is exp(min(x, 0)) - 1: exp and a subtraction.
        _ => "exp",
    };

    /// <summary>ns per element of each kernel's span form (the tensor level's) over a span in L1, and of .NET's
    /// <see cref="Vector256.Exp(Vector256{double})"/> (the hand-written peer's exp) in a loop of its own.</summary>
    private static Dictionary<string, double> KernelCosts(double budget)
    {
        var x = new double[Span];
        var y = new double[Span];
        var random = new Random(14);
        for (int i = 0; i < Span; i++) x[i] = random.NextDouble() * 8 - 4;
        var kernels = new (string, Action)[]
        {
            ("exp", () => Elementwise.Exp(x, y)), ("tanh", () => Elementwise.Tanh(x, y)),
            ("sigmoid", () => Elementwise.Sigmoid(x, y)), ("softplus", () => Elementwise.Softplus(x, y)),
            (".NET Vector256.Exp", () => NetExp(x, y)),
        };
        // At least 1.5 s each, so that the timed calls run tier-1 code.
        return kernels.ToDictionary(k => k.Item1, k => Timing.Fastest(k.Item2, Math.Max(budget, 1500)) * 1000 / Span);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void NetExp(double[] x, double[] y)
    {
        ref double xs = ref x[0];
        ref double ys = ref y[0];
        for (nuint i = 0; i + 4 <= (nuint)x.Length; i += 4)
            Vector256.Exp(Vector256.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
    }

    /// <summary>Multiply-adds per ns of one thread: 12 independent FMA chains (enough to cover the FMA
    /// latency on every x86 core of this kind), the widest accelerated vector.</summary>
    private static double FmaThroughput(double budget)
    {
        const long steps = 200_000;
        int lanes = Vector512.IsHardwareAccelerated ? 8 : 4;
        double sink = 0;
        double us = Timing.Fastest(() => sink += Vector512.IsHardwareAccelerated ? Fma512(steps) : Fma256(steps), budget / 4);
        GC.KeepAlive(sink);
        return steps * 12 * lanes / (us * 1000);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Fma256(long steps)
    {
        var m = Vector256.Create(0.999999999);
        var c = Vector256.Create(1e-9);
        Vector256<double> a0 = c, a1 = c, a2 = c, a3 = c, a4 = c, a5 = c, a6 = c, a7 = c, a8 = c, a9 = c, a10 = c, a11 = c;
        for (long i = 0; i < steps; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c); a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c); a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c); a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c); a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c); a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c); a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Fma512(long steps)
    {
        var m = Vector512.Create(0.999999999);
        var c = Vector512.Create(1e-9);
        Vector512<double> a0 = c, a1 = c, a2 = c, a3 = c, a4 = c, a5 = c, a6 = c, a7 = c, a8 = c, a9 = c, a10 = c, a11 = c;
        for (long i = 0; i < steps; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c); a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c); a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c); a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c); a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c); a9 = Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = Vector512.FusedMultiplyAdd(a10, m, c); a11 = Vector512.FusedMultiplyAdd(a11, m, c);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
