namespace TapeAD.Tape;

// The derivative queries. Each copies the graph, adds derivative nodes with Forward and Reverse,
// and wraps the result; the source function is never changed.
public sealed partial class TapeFunction
{
    /// <summary>Gradient of output <paramref name="outputIndex"/> (row-major index into <see cref="Shape"/>): shape <c>[d]</c>. Reverse mode.</summary>
    public TapeFunction Gradient(int outputIndex = 0)
    {
        CheckOutputIndex(outputIndex);
        var (g, y) = WorkingCopy();
        var adj = Reverse.Adjoints(g, [(y[outputIndex], g.One)]);
        return Result(g, InputAdjoints(g, adj, InputLength), InputLength, [InputLength],
            $"gradient of output {outputIndex} of {Description}");
    }

    /// <summary>Jacobian <c>∂y_i/∂x_j</c>: shape <c>[m, d]</c> (the output shape followed by <c>d</c>).</summary>
    public TapeFunction Jacobian(FirstOrderMode mode = FirstOrderMode.Auto)
    {
        int m = OutputLength, d = InputLength;
        if (mode == FirstOrderMode.Auto) mode = CostModel.ScalarJacobian(d, m);
        var (g, y) = WorkingCopy();
        var jac = new int[m * d];
        if (mode == FirstOrderMode.Forward)
        {
            for (int j = 0; j < d; j++)
            {
                var t = Forward.Tangents(g, OneHot(g, j), y);
                for (int i = 0; i < m; i++) jac[i * d + j] = t[y[i]];
            }
        }
        else
        {
            for (int i = 0; i < m; i++)
            {
                var adj = Reverse.Adjoints(g, [(y[i], g.One)]);
                InputAdjoints(g, adj, d).CopyTo(jac, i * d);
            }
        }
        return Result(g, jac, d, [.. _shape, d], $"jacobian ({mode}) of {Description}");
    }

    /// <summary>Hessian of every output, <c>∂²y_i/∂x_j∂x_l</c>: shape <c>[m, d, d]</c>.</summary>
    public TapeFunction Hessian(SecondOrderMode mode = SecondOrderMode.Auto)
    {
        int m = OutputLength, d = InputLength;
        if (mode == SecondOrderMode.Auto) mode = CostModel.ScalarHessian(d, m);
        var (g, y) = WorkingCopy();
        var h = new int[m * d * d];
        switch (mode)
        {
            case SecondOrderMode.ForwardOverForward:
            case SecondOrderMode.ForwardOverReverse:
            {
                // first[j][i] = ∂y_i/∂x_j, by forward passes or by reverse passes.
                int[][] first = mode == SecondOrderMode.ForwardOverForward ? TangentsByDirection(g, y, d) : GradientsByDirection(g, y, d);
                // One forward pass per l differentiates every first[j] with j <= l; symmetry fills the rest.
                for (int l = 0; l < d; l++)
                {
                    var targets = first.Take(l + 1).SelectMany(r => r).Where(n => n >= 0).ToArray();
                    var s = Forward.Tangents(g, OneHot(g, l), targets);
                    for (int j = 0; j <= l; j++)
                        for (int i = 0; i < m; i++)
                        {
                            int node = first[j][i] < 0 ? -1 : s[first[j][i]];
                            h[(i * d + j) * d + l] = node;
                            h[(i * d + l) * d + j] = node;
                        }
                }
                break;
            }
            case SecondOrderMode.ReverseOverForward:
            case SecondOrderMode.ReverseOverReverse:
            {
                int[][] first = mode == SecondOrderMode.ReverseOverForward ? TangentsByDirection(g, y, d) : GradientsByDirection(g, y, d);
                for (int j = 0; j < d; j++)
                    for (int i = 0; i < m; i++)
                    {
                        if (first[j][i] < 0) { for (int l = 0; l < d; l++) h[(i * d + j) * d + l] = -1; continue; }
                        var adj = Reverse.Adjoints(g, [(first[j][i], g.One)]);
                        InputAdjoints(g, adj, d).CopyTo(h, (i * d + j) * d);
                    }
                break;
            }
            case SecondOrderMode.Curvature:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Curvature is a mode of the tensor level (TensorFunction), not of the scalar graph.");
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown second-order mode.");
        }
        return Result(g, h, d, [.. _shape, d, d], $"hessian ({mode}) of {Description}");
    }

    /// <summary>
    /// Hessian-vector product of every output, <c>H_i v</c>: shape <c>[m, d]</c>. The compiled function
    /// takes <c>2d</c> inputs: the point <c>x</c> followed by the vector <c>v</c>.
    /// </summary>
    public TapeFunction HessianVectorProduct(SecondOrderMode mode = SecondOrderMode.Auto) =>
        Hvp(Enumerable.Range(0, OutputLength).ToArray(), mode, [.. _shape, InputLength], $"of {Description}");

    /// <summary>
    /// Hessian-vector product of output <paramref name="outputIndex"/>: shape <c>[d]</c>. Inputs are <c>x</c> then <c>v</c>.
    /// </summary>
    public TapeFunction HessianVectorProduct(int outputIndex, SecondOrderMode mode = SecondOrderMode.Auto)
    {
        CheckOutputIndex(outputIndex);
        return Hvp([outputIndex], mode, [InputLength], $"of output {outputIndex} of {Description}");
    }

    /// <summary>
    /// Second-order Jacobian <c>∂²y_i/∂x_j²</c> (the diagonal of every output's Hessian): shape
    /// <c>[m, d]</c>, by second-order Taylor propagation along each input direction, without the full Hessians.
    /// </summary>
    public TapeFunction SecondOrderJacobian()
    {
        var (g, y) = WorkingCopy();
        int m = OutputLength, d = InputLength;
        var diag = new int[m * d];
        for (int j = 0; j < d; j++)
        {
            var second = SecondDirectional(g, y, j);
            for (int i = 0; i < m; i++) diag[i * d + j] = second[i];
        }
        return Result(g, diag, d, [.. _shape, d], $"second-order jacobian of {Description}");
    }

    /// <summary>Laplacian <c>Σ_j ∂²y_i/∂x_j²</c> of every output: shape <c>[m]</c>.</summary>
    public TapeFunction Laplacian()
    {
        var (g, y) = WorkingCopy();
        int m = OutputLength, d = InputLength;
        var sum = Enumerable.Repeat(-1, m).ToArray();
        for (int j = 0; j < d; j++)
        {
            var second = SecondDirectional(g, y, j);
            for (int i = 0; i < m; i++) sum[i] = Forward.Sum(g, sum[i], second[i]);
        }
        return Result(g, sum, d, [.. _shape], $"laplacian of {Description}");
    }

    // The description names the mode actually used, so Auto is resolved before it is written.
    private TapeFunction Hvp(int[] selected, SecondOrderMode mode, int[] shape, string subject)
    {
        int d = InputLength;
        if (mode == SecondOrderMode.Auto) mode = CostModel.ScalarHessianVectorProduct();
        var (g, all) = WorkingCopy();
        var y = selected.Select(i => all[i]).ToArray();
        int m = y.Length;
        var v = new int[d];
        for (int j = 0; j < d; j++) v[j] = g.Input(d + j);
        var r = new int[m * d];
        switch (mode)
        {
            case SecondOrderMode.ForwardOverReverse:
            case SecondOrderMode.ForwardOverForward:
            {
                // The directional derivative along v of each first derivative ∂y_i/∂x_j.
                int[][] first = mode == SecondOrderMode.ForwardOverReverse ? GradientsByDirection(g, y, d) : TangentsByDirection(g, y, d);
                var s = Forward.Tangents(g, v, first.SelectMany(row => row).Where(n => n >= 0).ToArray());
                for (int j = 0; j < d; j++)
                    for (int i = 0; i < m; i++) r[i * d + j] = first[j][i] < 0 ? -1 : s[first[j][i]];
                break;
            }
            case SecondOrderMode.ReverseOverForward:
            {
                // The gradient of the directional derivative J_i v.
                var t = Forward.Tangents(g, v, y);
                for (int i = 0; i < m; i++)
                {
                    if (t[y[i]] < 0) { Array.Fill(r, -1, i * d, d); continue; }
                    InputAdjoints(g, Reverse.Adjoints(g, [(t[y[i]], g.One)]), d).CopyTo(r, i * d);
                }
                break;
            }
            case SecondOrderMode.ReverseOverReverse:
            {
                // The gradient of ∇y_i · v, seeding each gradient entry with v_j.
                int[][] first = GradientsByDirection(g, y, d);
                for (int i = 0; i < m; i++)
                {
                    var seeds = Enumerable.Range(0, d).Where(j => first[j][i] >= 0).Select(j => (first[j][i], v[j])).ToArray();
                    InputAdjoints(g, Reverse.Adjoints(g, seeds), d).CopyTo(r, i * d);
                }
                break;
            }
            case SecondOrderMode.Curvature:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Curvature is a mode of the tensor level (TensorFunction), not of the scalar graph.");
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown second-order mode.");
        }
        return Result(g, r, 2 * d, shape, $"hvp ({mode}) {subject}");
    }

    /// <summary>∂²y_i/∂x_j² for every i: two forward passes along e_j.</summary>
    private static int[] SecondDirectional(Graph g, int[] y, int j)
    {
        var t = Forward.Tangents(g, OneHot(g, j), y);
        var first = y.Select(n => t[n]).ToArray();
        var s = Forward.Tangents(g, OneHot(g, j), first.Where(n => n >= 0).ToArray());
        return first.Select(n => n < 0 ? -1 : s[n]).ToArray();
    }

    /// <summary>result[j][i] = ∂y_i/∂x_j by one forward pass per input.</summary>
    private static int[][] TangentsByDirection(Graph g, int[] y, int d)
    {
        var result = new int[d][];
        for (int j = 0; j < d; j++)
        {
            var t = Forward.Tangents(g, OneHot(g, j), y);
            result[j] = y.Select(n => t[n]).ToArray();
        }
        return result;
    }

    /// <summary>result[j][i] = ∂y_i/∂x_j by one reverse pass per output.</summary>
    private static int[][] GradientsByDirection(Graph g, int[] y, int d)
    {
        var result = new int[d][];
        for (int j = 0; j < d; j++) result[j] = new int[y.Length];
        for (int i = 0; i < y.Length; i++)
        {
            var grad = InputAdjoints(g, Reverse.Adjoints(g, [(y[i], g.One)]), d);
            for (int j = 0; j < d; j++) result[j][i] = grad[j];
        }
        return result;
    }

    private static int[] OneHot(Graph g, int j)
    {
        var t = new int[j + 1];
        Array.Fill(t, -1);
        t[j] = g.One;
        return t;
    }

    private static int[] InputAdjoints(Graph g, int[] adj, int d)
    {
        var result = new int[d];
        for (int j = 0; j < d; j++)
        {
            int node = g.FindInput(j);
            result[j] = node >= 0 && node < adj.Length ? adj[node] : -1;
        }
        return result;
    }

    private (Graph Graph, int[] Outputs) WorkingCopy()
    {
        var outputs = _outputs.ToArray();
        return (Graph.Extract(outputs), outputs);
    }

    private static TapeFunction Result(Graph g, int[] nodes, int inputLength, int[] shape, string description)
    {
        int zero = g.Constant(0);
        for (int i = 0; i < nodes.Length; i++) if (nodes[i] < 0) nodes[i] = zero;
        // The constructor copies the optimised graph once more: rewrites such as -(k·y) → (-k)·y leave
        // the replayed k·y dead, and that copy drops it.
        return new TapeFunction(g.Optimize(nodes), nodes, inputLength, shape, description);
    }

    private void CheckOutputIndex(int outputIndex)
    {
        if ((uint)outputIndex >= (uint)OutputLength)
            throw new ArgumentOutOfRangeException(nameof(outputIndex), outputIndex,
                $"{Description} has {OutputLength} outputs; expected an output index from 0 to {OutputLength - 1}.");
    }
}
