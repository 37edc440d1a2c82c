namespace TapeAD.Tape;

/// <summary>
/// The one cost model: which mode each query uses when asked for <c>Auto</c>, at either level, and
/// when a model is small enough for the scalar graph. Every front end (the C# queries of both levels,
/// the command line, <c>inspect</c>) asks here.
/// </summary>
/// <remarks>
/// <para>Tensor level: a query costs its rows — the value, tangent and second-order rows it propagates
/// forward plus the adjoint rows it sends back — times the work of one row (the multiply-adds of the
/// matrix products and the entries of the elementwise steps). Auto picks the mode with fewer rows.</para>
/// <para>Scalar graph: one-hot forward tangents prune to the nodes an input reaches, so forward mode
/// wins for Jacobians unless there are more inputs than outputs, and for Hessians forward-over-reverse
/// wins once there are fewer outputs than inputs.</para>
/// <para>Level: the scalar graph is used while the work of one row times the rows of the query's
/// cheapest tensor-level mode stays within <see cref="ScalarGraphLimit"/>; beyond it the straight-line
/// code grows past what compiles well, and the tensor executor wins. Below it, the executor still wins
/// once its steps are wide enough to amortise what each costs per block of inputs
/// (<see cref="TensorStepWork"/>).</para>
/// </remarks>
public static class CostModel
{
    /// <summary>Work per row × rows up to which the scalar graph is used.</summary>
    public const long ScalarGraphLimit = 2000;

    /// <summary>Work per row of one tensor-level step (a product, an add, a map) from which the executor
    /// beats the scalar graph for every query. Measured on 1,024-input batches of 3→w→w→w→4 chains
    /// (sigmoid, elu, tanh): at w = 8 (about 20 per step) the executor was 1.1–1.8× faster for every query,
    /// at w = 6 (about 13) the scalar graph was up to 2× faster for the Hessian, and for the 5→3→3 seed
    /// (about 6) 2–6× faster for every query.</summary>
    public const long TensorStepWork = 16;

    /// <summary>Whether a query whose cheapest tensor-level mode propagates <paramref name="rows"/> rows of
    /// <paramref name="workPerRow"/> each, through <paramref name="steps"/> computed nodes, should run on the scalar graph.</summary>
    public static bool PrefersScalarGraph(long workPerRow, long rows, int steps) =>
        workPerRow * rows <= ScalarGraphLimit && workPerRow < TensorStepWork * Math.Max(steps, 1);

    /// <summary>Scalar graph, Jacobian: forward unless there are more inputs than outputs.</summary>
    public static FirstOrderMode ScalarJacobian(int d, int m) => d <= m ? FirstOrderMode.Forward : FirstOrderMode.Reverse;

    /// <summary>Scalar graph, Hessian: forward-over-reverse when there are fewer outputs than inputs.</summary>
    public static SecondOrderMode ScalarHessian(int d, int m) => m < d ? SecondOrderMode.ForwardOverReverse : SecondOrderMode.ForwardOverForward;

    /// <summary>Scalar graph, Hessian-vector product: forward-over-reverse (one reverse sweep and its tangent along v).</summary>
    public static SecondOrderMode ScalarHessianVectorProduct() => SecondOrderMode.ForwardOverReverse;

    /// <summary>Tensor level, Jacobian: d tangent rows forward, or m adjoint rows back.</summary>
    public static FirstOrderMode TensorJacobian(int d, int m) => d <= m ? FirstOrderMode.Forward : FirstOrderMode.Reverse;

    /// <summary>Tensor level, gradient of one output: d tangent rows forward, or one adjoint row back.</summary>
    public static FirstOrderMode TensorGradient(int d) => 1 + d <= 2 ? FirstOrderMode.Forward : FirstOrderMode.Reverse;

    /// <summary>
    /// Tensor level, Hessian of <paramref name="m"/> outputs, the mode of least work: <c>1 + d + d(d+1)/2</c> rows
    /// forward-over-forward, <c>(1 + d)(1 + m)</c> forward-over-reverse, or <c>1 + d + m</c> rows plus, per output,
    /// <c>d(d+3)/2</c> multiply-adds per curvature entry (<see cref="SecondOrderMode.Curvature"/>).
    /// </summary>
    /// <param name="d">Inputs.</param>
    /// <param name="m">Outputs.</param>
    /// <param name="workPerRow">Work of one row through the model.</param>
    /// <param name="curvatureEntries">Entries of the model's nonlinear steps (products and quotients of two computed vectors twice).</param>
    public static SecondOrderMode TensorHessian(int d, int m, long workPerRow, long curvatureEntries)
    {
        long pairs = (long)d * (d + 1) / 2;
        long forward = (1 + d + pairs) * workPerRow;
        long overReverse = (1L + d) * (1 + m) * workPerRow;
        long curvature = (1L + d + m) * workPerRow + m * (pairs + d) * curvatureEntries;
        if (curvature < forward && curvature < overReverse) return SecondOrderMode.Curvature;
        return forward <= overReverse ? SecondOrderMode.ForwardOverForward : SecondOrderMode.ForwardOverReverse;
    }

    /// <summary>
    /// Tensor level, second-order Jacobian of <paramref name="m"/> outputs: <c>1 + 2d</c> rows forward (a second-order
    /// row per direction, <see cref="SecondOrderMode.ForwardOverForward"/>), or <c>1 + d + m</c> rows plus, per output,
    /// <c>2d</c> multiply-adds per curvature entry (<see cref="SecondOrderMode.Curvature"/>), whichever is less work.
    /// </summary>
    /// <inheritdoc cref="TensorHessian" path="/param"/>
    public static SecondOrderMode TensorSecondOrderJacobian(int d, int m, long workPerRow, long curvatureEntries) =>
        (1L + d + m) * workPerRow + 2L * m * d * curvatureEntries < (1L + 2 * d) * workPerRow
            ? SecondOrderMode.Curvature : SecondOrderMode.ForwardOverForward;

    /// <summary>Tensor level, Hessian-vector product of <paramref name="outputs"/> outputs: <c>2 + 2d</c> rows
    /// forward-over-forward, or <c>2 + 2·outputs</c> forward-over-reverse.</summary>
    public static SecondOrderMode TensorHessianVectorProduct(int d, int outputs) =>
        d < outputs ? SecondOrderMode.ForwardOverForward : SecondOrderMode.ForwardOverReverse;
}
