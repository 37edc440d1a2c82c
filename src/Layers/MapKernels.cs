using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TapeAD.Tape;

namespace TapeAD.Layers;

/// <summary>
/// σ, or σ, σ′ and σ″, of a map one vector (or one number) at a time. The vector forms are inlined into
/// <see cref="MapRows"/>' loops, one kernel per loop method (a call per vector, its argument and three results
/// through the stack, cost a sixth of the sigmoid's time); the scalar forms, for the columns past the last
/// whole vector, stay calls: inlined beside the vector form, a kernel of some fifty lane operations ran the JIT
/// out of inlining budget (see <see cref="Elementwise"/>'s span forms).
/// </summary>
internal interface IMapKernel
{
    Vector256<double> Value(Vector256<double> u);
    double Value(double u);
    (Vector256<double> Value, Vector256<double> First, Vector256<double> Second) Derivatives(Vector256<double> u);
    (double Value, double First, double Second) Derivatives(double u);
}

/// <summary>The maps <see cref="MapRows"/> runs in registers: tanh, the sigmoid, softplus (their one-pass forms)
/// and the ELU family (ELU, SELU: one exp for all three).</summary>
internal enum MapKernelKind { Tanh, Sigmoid, Softplus, Elu }

/// <summary>
/// Which kernel, if any, computes a map: a map that records one primitive with a one-pass form, or exactly the
/// graph <see cref="VarMath.Elu"/> or <see cref="VarMath.Selu"/> records (compared node by node, so a map
/// recorded any other way, however close, keeps its column program and its bits).
/// </summary>
internal readonly record struct MapKernel(MapKernelKind Kind, double Scale, double Alpha)
{
    /// <summary>The kernel of <paramref name="map"/>, or null; <paramref name="primitive"/> is the map's
    /// <see cref="MapProgram.SinglePrimitive"/>.</summary>
    public static MapKernel? Of(ElementMap map, Op? primitive)
    {
        switch (primitive)
        {
            case Op.Tanh: return new MapKernel(MapKernelKind.Tanh, 0, 0);
            case Op.Sigmoid: return new MapKernel(MapKernelKind.Sigmoid, 0, 0);
            case Op.Softplus: return new MapKernel(MapKernelKind.Softplus, 0, 0);
            case not null: return null;
        }
        var g = new Graph();
        int y = map.Record(new Var(g, g.Input(0))).Node;
        if (g.OpOf(y) != Op.Select) return null;
        // The family's parameters from two values: f(1) = scale, f(-∞) = -alpha (e^-∞ = 0); then the map must
        // record what ELU(alpha) (scale 1) or SELU records.
        double scale = map.Evaluate(1.0), alpha = -map.Evaluate(double.NegativeInfinity);
        if (!double.IsFinite(scale) || !double.IsFinite(alpha)) return null;
        Func<Var, Var> family = scale == 1.0 ? v => VarMath.Elu(v, alpha) : VarMath.Selu;
        return SameGraph(g, y, family) ? new MapKernel(MapKernelKind.Elu, scale, alpha) : null;
    }

    // Whether recording `record` on a fresh graph gives g's nodes, in the same order, up to node y.
    private static bool SameGraph(Graph g, int y, Func<Var, Var> record)
    {
        var h = new Graph();
        int x = h.Input(0);
        if (record(new Var(h, x)).Node != y || h.Count != g.Count) return false;
        for (int n = 0; n < g.Count; n++)
            if (g.OpOf(n) != h.OpOf(n) || g.A(n) != h.A(n) || g.B(n) != h.B(n) || g.C(n) != h.C(n)
                || BitConverter.DoubleToInt64Bits(g.ConstantOf(n)) != BitConverter.DoubleToInt64Bits(h.ConstantOf(n)))
                return false;
        return true;
    }
}

internal readonly struct TanhKernel : IMapKernel
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<double> Value(Vector256<double> u) => Elementwise.Tanh(u);
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public double Value(double u) => Elementwise.Tanh(u);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (Vector256<double> Value, Vector256<double> First, Vector256<double> Second) Derivatives(Vector256<double> u) => Elementwise.TanhDerivatives(u);
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public (double Value, double First, double Second) Derivatives(double u) => Elementwise.TanhDerivatives(u);
}

internal readonly struct SigmoidKernel : IMapKernel
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<double> Value(Vector256<double> u) => Elementwise.Sigmoid(u);
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public double Value(double u) => Elementwise.Sigmoid(u);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (Vector256<double> Value, Vector256<double> First, Vector256<double> Second) Derivatives(Vector256<double> u) => Elementwise.SigmoidDerivatives(u);
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public (double Value, double First, double Second) Derivatives(double u) => Elementwise.SigmoidDerivatives(u);
}

internal readonly struct SoftplusKernel : IMapKernel
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<double> Value(Vector256<double> u) => Elementwise.Softplus(u);
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public double Value(double u) => Elementwise.Softplus(u);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (Vector256<double> Value, Vector256<double> First, Vector256<double> Second) Derivatives(Vector256<double> u) => Elementwise.SoftplusDerivatives(u);
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public (double Value, double First, double Second) Derivatives(double u) => Elementwise.SoftplusDerivatives(u);
}

internal readonly struct EluKernel(double scale, double alpha) : IMapKernel
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<double> Value(Vector256<double> u) => Elementwise.Elu(u, scale, alpha);
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public double Value(double u) => Elementwise.Elu(u, scale, alpha);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (Vector256<double> Value, Vector256<double> First, Vector256<double> Second) Derivatives(Vector256<double> u) => Elementwise.EluDerivatives(u, scale, alpha);
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public (double Value, double First, double Second) Derivatives(double u) => Elementwise.EluDerivatives(u, scale, alpha);
}
