using TapeAD.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace TapeAD.Bench.Torch;

/// <summary>
/// The TorchSharp peer: the same network as float64 tensors (a chain of dense layers, or an ONNX graph
/// replayed by <see cref="OnnxForward"/>), derivatives by autograd as a TorchSharp
/// user would write them — <c>torch.autograd.grad</c>, with <c>create_graph: true</c> for the
/// second derivatives. Inputs are a batch <c>[B, d]</c>; the samples are independent, so summing an
/// output over the batch before differentiating gives every sample's derivative in one pass. A single
/// call is the same code with <c>B = 1</c>. Results are copied back into plain arrays (a user needs
/// them there), so the conversion is part of the timed work.
/// </summary>
public sealed class TorchPeer : IDisposable
{
    private readonly Func<Tensor, Tensor> _forward;
    private readonly Tensor[] _parameters;
    private readonly int _d, _m;

    static TorchPeer() => NativePatch.EnsureTorchSharpLoads();

    /// <summary>The peer of a chain of dense layers: <c>linear</c> and the activation per layer.</summary>
    public TorchPeer(Chain model)
    {
        var layers = model.Layers.Select(l => (
            W: tensor(l.Weights.ToArray(), [l.Outputs, l.Inputs], ScalarType.Float64),
            B: tensor(l.Bias.ToArray(), [l.Outputs], ScalarType.Float64),
            l.Activation)).ToArray();
        _parameters = [.. layers.SelectMany(l => new[] { l.W, l.B })];
        _forward = x => Forward(layers, x);
        _d = model.InputLength;
        _m = model.OutputLength;
    }

    /// <summary>The peer of any network given as a batched forward function <c>[B, d] → [B, m]</c>
    /// over <paramref name="parameters"/> (which the peer disposes).</summary>
    public TorchPeer(Func<Tensor, Tensor> forward, int inputs, int outputs, Tensor[] parameters)
    {
        _forward = forward;
        _parameters = parameters;
        _d = inputs;
        _m = outputs;
    }

    /// <summary>Sets libtorch's intra-op threads (1 for per-call latency).</summary>
    public static void SetThreads(int n) => set_num_threads(n);

    public static int Threads => get_num_threads();

    private static Tensor Forward((Tensor W, Tensor B, Activation Act)[] layers, Tensor x)
    {
        foreach (var (w, b, act) in layers)
        {
            x = nn.functional.linear(x, w, b);
            x = act switch
            {
                Activation.Identity => x,
                Activation.Elu => nn.functional.elu(x, 1.0),
                Activation.Tanh => x.tanh(),
                Activation.Sigmoid => x.sigmoid(),
                Activation.Softplus => nn.functional.softplus(x),
                _ => throw new NotSupportedException(act.ToString()),
            };
        }
        return x;
    }

    private static Tensor Grad(Tensor output, Tensor input, bool createGraph) =>
        autograd.grad([output], [input], retain_graph: true, create_graph: createGraph)[0];

    /// <summary>Runs <paramref name="q"/> on <paramref name="batch"/> inputs stored row after row in
    /// <paramref name="xs"/> (each of <see cref="Models.InputLength"/> numbers) and writes the results
    /// row after row into <paramref name="results"/>. With <paramref name="output"/>, the query of that
    /// output alone: its gradient (a Jacobian row, one backward pass) or its Hessian-vector product.</summary>
    public void Run(Query q, int batch, ReadOnlySpan<double> xs, Span<double> results, int? output = null)
    {
        if (output is int k)
        {
            RunOneOutput(q, k, batch, xs, results);
            return;
        }
        using var scope = NewDisposeScope();
        int d = _d, m = _m;
        Tensor x, v = null!;
        if (q == Query.Hvp)
        {
            var xv = tensor(xs.ToArray(), [batch, 2 * d], ScalarType.Float64);
            x = xv[.., ..d].contiguous().requires_grad_(true);
            v = xv[.., d..];
        }
        else x = tensor(xs.ToArray(), [batch, d], ScalarType.Float64).requires_grad_(q != Query.Value); // the value needs no autograd graph
        var y = _forward(x);
        Tensor result;
        switch (q)
        {
            case Query.Value:
                result = y; // [B, m]
                break;
            case Query.Jacobian:
                // One backward pass per output: row i of every sample's Jacobian.
                result = stack(Enumerable.Range(0, m).Select(i => Grad(y[.., i].sum(), x, false)).ToArray(), 1); // [B, m, d]
                break;
            case Query.Hessian:
            {
                // One double-backward per output and input: row j of every sample's Hessian of output i.
                var rows = new Tensor[m];
                for (int i = 0; i < m; i++)
                {
                    var g = Grad(y[.., i].sum(), x, true);
                    rows[i] = stack(Enumerable.Range(0, d).Select(j => Grad(g[.., j].sum(), x, false)).ToArray(), 1); // [B, d, d]
                }
                result = stack(rows, 1); // [B, m, d, d]
                break;
            }
            case Query.SecondOrderJacobian:
            case Query.Laplacian:
            {
                // The diagonal still needs one double-backward per input dimension j (keeping entry j).
                var diag = new Tensor[m];
                for (int i = 0; i < m; i++)
                {
                    var g = Grad(y[.., i].sum(), x, true);
                    diag[i] = stack(Enumerable.Range(0, d).Select(j => Grad(g[.., j].sum(), x, false)[.., j]).ToArray(), 1); // [B, d]
                }
                result = stack(diag, 1); // [B, m, d]
                if (q == Query.Laplacian) result = result.sum(2); // [B, m]
                break;
            }
            case Query.Hvp:
            {
                // Per output, one backward with create_graph and one for the gradient of g·v.
                var hv = new Tensor[m];
                for (int i = 0; i < m; i++)
                {
                    var g = Grad(y[.., i].sum(), x, true);
                    hv[i] = Grad((g * v).sum(), x, false);
                }
                result = stack(hv, 1); // [B, m, d]
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(q));
        }
        result.contiguous().data<double>().CopyTo(results);
    }

    // What a TorchSharp user writes for one output's gradient (vjp) or HVP: a backward pass of that
    // output, and for the HVP a second one of g·v.
    private void RunOneOutput(Query q, int k, int batch, ReadOnlySpan<double> xs, Span<double> results)
    {
        using var scope = NewDisposeScope();
        int d = _d;
        Tensor result;
        if (q == Query.Hvp)
        {
            var xv = tensor(xs.ToArray(), [batch, 2 * d], ScalarType.Float64);
            var x = xv[.., ..d].contiguous().requires_grad_(true);
            var g = Grad(_forward(x)[.., k].sum(), x, true);
            result = Grad((g * xv[.., d..]).sum(), x, false); // [B, d]
        }
        else if (q == Query.Jacobian)
        {
            var x = tensor(xs.ToArray(), [batch, d], ScalarType.Float64).requires_grad_(true);
            result = Grad(_forward(x)[.., k].sum(), x, false); // [B, d]
        }
        else throw new ArgumentOutOfRangeException(nameof(q), q, "One output: the gradient (Jacobian) or the Hessian-vector product.");
        result.contiguous().data<double>().CopyTo(results);
    }

    public void Dispose()
    {
        foreach (var p in _parameters) p.Dispose();
    }
}
