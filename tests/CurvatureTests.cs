using TapeAD.Layers;
using TapeAD.Nn;
using TapeAD.Tape;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// The curvature mode of the tensor level (Hessians and second-order Jacobians from one adjoint row per
/// output): its kernel against plain loops, its results against the other modes on models and at edge
/// inputs, and the cost model's choice of it. Every query of random DAGs in this mode is also checked
/// against the scalar graph in <see cref="TensorGraphTests"/>.
/// </summary>
public class CurvatureTests
{
    private static readonly double[] Edges = [0.0, -0.0, 1e-310, -1e-310, 1e300, -1e300, double.PositiveInfinity, double.NegativeInfinity, double.NaN];

    private static double[] Random(Random rng, int n, bool edges) =>
        [.. Enumerable.Range(0, n).Select(_ => edges && rng.Next(4) == 0 ? Edges[rng.Next(Edges.Length)] : 2 * rng.NextDouble() - 1)];

    // The kernel's dot products as plain loops, each term associated as the kernel does ((weight · P_j) · Q_l):
    // for an entry, the dots it adds (the full cross form adds two, the diagonal cross form twice one). Null when
    // a term overflows from finite factors: the kernel's fused add does not round that product to an infinity.
    private static List<double[]>? Dots(int d, int w, double[] p, double[]? q, double[] weights, int j, int l, bool diagonal)
    {
        bool overflow = false;
        double[] Terms(double[] a, double[] b) => [.. Enumerable.Range(0, w).Select(c =>
        {
            double scaled = weights[c] * a[j * w + c], term = scaled * b[l * w + c];
            overflow |= double.IsFinite(scaled) && double.IsFinite(b[l * w + c]) && double.IsInfinity(term);
            return term;
        })];
        List<double[]> dots = q == null ? [Terms(p, p)] : diagonal ? [[.. Terms(p, q).Select(t => 2 * t)]] : [Terms(p, q), Terms(q, p)];
        return overflow ? null : dots;
    }

    // What adding the dots to the start value must give: NaN where a term is NaN or infinities of both signs meet,
    // an infinity where one sign of infinity occurs; otherwise the sum to rounding (null when partial sums may overflow).
    private static (double Value, double Magnitude)? Expect(double start, List<double[]>? dots)
    {
        if (dots == null) return null;
        double value = start, magnitude = Math.Abs(start);
        foreach (var terms in dots)
        {
            double sum;
            if (terms.Any(double.IsNaN) || terms.Any(double.IsPositiveInfinity) && terms.Any(double.IsNegativeInfinity)) sum = double.NaN;
            else if (terms.Any(double.IsInfinity)) sum = terms.First(double.IsInfinity);
            else
            {
                double size = terms.Sum(Math.Abs);
                if (!double.IsFinite(size)) return null;
                sum = terms.Sum();
                magnitude += size;
            }
            value += sum;
        }
        return (value, magnitude);
    }

    private static unsafe double[] Kernel(int d, int w, double[] p, double[]? q, double[] weights, bool diagonal, double[] start)
    {
        var h = (double[])start.Clone();
        var diag = Enumerable.Range(0, d).Select(j => start[j * d + j]).ToArray();
        var scratch = new double[w];
        fixed (double* hp = h, dp = diag, pp = p, qp = q, wp = weights, sp = scratch)
        {
            if (diagonal && q == null) Curvature.AddSquareDiagonal(dp, d, pp, wp, w, sp);
            else if (diagonal) Curvature.AddCrossDiagonal(dp, d, pp, qp, wp, w, sp);
            else if (q == null) Curvature.AddSquare(hp, d, pp, wp, w, sp);
            else Curvature.AddCross(hp, d, pp, qp, wp, w, sp);
        }
        if (diagonal)
            for (int j = 0; j < d; j++) h[j * d + j] = diag[j];
        return h;
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Curvature_kernels_add_the_sums_plain_loops_give_on_every_width_and_edge_value(bool cross, bool diagonal)
    {
        var rng = new Random(20261201);
        for (int trial = 0; trial < 400; trial++)
        {
            int d = rng.Next(1, 10), w = rng.Next(1, 14);
            bool edges = trial % 2 == 1;
            var p = Random(rng, d * w, edges);
            var q = cross ? Random(rng, d * w, edges) : null;
            var weights = Random(rng, w, edges);
            var start = Random(rng, d * d, edges: false);
            var actual = Kernel(d, w, p, q, weights, diagonal, start);
            for (int j = 0; j < d; j++)
                for (int l = 0; l < d; l++)
                {
                    int at = j * d + l;
                    string where = $"trial {trial}, d {d}, w {w}, [{j},{l}]";
                    if (diagonal ? l != j : l < j)
                    {
                        NnAssert.SameBits([start[at]], [actual[at]], $"{where} (not an entry the kernel adds to)");
                        continue;
                    }
                    if (Expect(start[at], Dots(d, w, p, q, weights, j, l, diagonal)) is not var (expected, magnitude)) continue;
                    if (!double.IsFinite(expected)) NnAssert.SameBits([expected], [actual[at]], where);
                    else Assert.True(Math.Abs(expected - actual[at]) <= 1e-13 * Math.Max(1, magnitude), $"{where}: expected {expected:R}, got {actual[at]:R}");
                }
        }
    }

    [Fact]
    public void Mirror_copies_the_upper_triangle_onto_the_lower_and_leaves_the_rest()
    {
        var h = new double[] { 1, 2, 3, -9, 5, 6, -9, -9, 9 };
        unsafe
        {
            fixed (double* p = h) Curvature.Mirror(p, 3);
        }
        Assert.Equal(new double[] { 1, 2, 3, 2, 5, 6, 3, 6, 9 }, h);
    }

    public static TheoryData<string> Models => ["pinn", "wide", "small-deep", "seed"];

    [Theory]
    [MemberData(nameof(Models))]
    public void Curvature_hessians_agree_with_both_other_modes_and_are_exactly_symmetric(string name)
    {
        var f = BuiltinModels.Get(name).ToTensorFunction();
        var rng = new Random(7);
        var x = Enumerable.Range(0, f.InputLength).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
        var curvature = f.Hessian(SecondOrderMode.Curvature).Evaluate(x);
        var forward = f.Hessian(SecondOrderMode.ForwardOverForward).Evaluate(x);
        var overReverse = f.Hessian(SecondOrderMode.ForwardOverReverse).Evaluate(x);
        TensorGraphTests.AssertClose(forward, curvature, 1e-12, $"{name} curvature vs forward-over-forward");
        TensorGraphTests.AssertClose(overReverse, curvature, 1e-12, $"{name} curvature vs forward-over-reverse");
        int d = f.InputLength;
        for (int i = 0; i < f.OutputLength; i++)
            for (int j = 0; j < d; j++)
                for (int l = 0; l < d; l++)
                    Assert.Equal(curvature[(i * d + j) * d + l], curvature[(i * d + l) * d + j]);
        var diagonal = f.SecondOrderJacobian(SecondOrderMode.Curvature).Evaluate(x);
        TensorGraphTests.AssertClose(f.SecondOrderJacobian(SecondOrderMode.ForwardOverForward).Evaluate(x), diagonal, 1e-12, $"{name} diagonal");
    }

    [Theory]
    [InlineData(1e300)]
    [InlineData(-1e300)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    [InlineData(1e-310)]
    [InlineData(-0.0)]
    public void At_edge_inputs_curvature_gives_what_forward_over_reverse_gives(double edge)
    {
        var f = BuiltinModels.Get("pinn").ToTensorFunction();
        var x = Enumerable.Range(0, f.InputLength).Select(j => j % 3 == 0 ? edge : 0.1 * j).ToArray();
        var expected = f.Hessian(SecondOrderMode.ForwardOverReverse).Evaluate(x);
        var actual = f.Hessian(SecondOrderMode.Curvature).Evaluate(x);
        for (int i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i])) Assert.True(double.IsNaN(actual[i]), $"[{i}]: expected NaN, got {actual[i]}");
            else Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])), $"[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    [Fact]
    public void Batches_in_curvature_mode_give_each_row_the_bits_of_its_own_call_on_any_thread_count()
    {
        var f = BuiltinModels.Get("pinn").ToTensorFunction();
        var rng = new Random(3);
        int rows = 77, d = f.InputLength;
        var xs = Enumerable.Range(0, rows * d).Select(i => i % 29 == 0 ? Edges[i % Edges.Length] : 2 * rng.NextDouble() - 1).ToArray();
        foreach (var q in new[] { f.Hessian(SecondOrderMode.Curvature), f.SecondOrderJacobian(SecondOrderMode.Curvature) })
        {
            var one = new double[rows * q.OutputLength];
            var many = new double[rows * q.OutputLength];
            q.EvaluateBatch(xs, one, 1);
            q.EvaluateBatch(xs, many, 4);
            for (int r = 0; r < rows; r++)
            {
                var alone = q.Evaluate(xs.AsSpan(r * d, d));
                for (int k = 0; k < q.OutputLength; k++)
                {
                    NnAssert.SameBits([alone[k]], [one[r * q.OutputLength + k]], $"{q.Description}, row {r} [{k}], one thread");
                    NnAssert.SameBits([alone[k]], [many[r * q.OutputLength + k]], $"{q.Description}, row {r} [{k}], four threads");
                }
            }
        }
    }

    [Fact]
    public void The_cost_model_picks_curvature_where_it_sends_fewer_rows_back_and_not_where_the_tangent_products_dominate()
    {
        // pinn 8 → 64³ → 1: 10 rows instead of 18 back and forth, 44 products per curvature entry.
        Assert.Equal(SecondOrderMode.Curvature, CostModel.TensorHessian(8, 1, 8960, 192));
        Assert.Equal(SecondOrderMode.Curvature, CostModel.TensorSecondOrderJacobian(8, 1, 8960, 192));
        // wide 16 → 128² → 16: the forward second-order rows cost more than 16 outputs' curvature.
        Assert.Equal(SecondOrderMode.Curvature, CostModel.TensorHessian(16, 16, 20736, 256));
        Assert.Equal(SecondOrderMode.ForwardOverForward, CostModel.TensorSecondOrderJacobian(16, 16, 20736, 256));
        // A model without nonlinear steps costs nothing in curvature: only its rows count.
        Assert.Equal(SecondOrderMode.Curvature, CostModel.TensorHessian(4, 2, 100, 0));
        // Many outputs of a narrow model: forward-over-forward's rows are cheaper than m adjoint rows and their products.
        Assert.Equal(SecondOrderMode.ForwardOverForward, CostModel.TensorHessian(2, 50, 100, 40));
        var pinn = BuiltinModels.Get("pinn").ToTensorFunction();
        Assert.Equal("Curvature", pinn.Choose(QueryType.Hessian).Mode);
    }
}
