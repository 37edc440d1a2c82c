using TapeAD.Bench.HandWritten;
using TapeAD.Bench.Torch;
using TapeAD.Compiler;
using TapeAD.Layers;
using TapeAD.Nn;

namespace TapeAD.Bench.Scale;

/// <summary>
/// One scale case: a model (pinn, wide, or seed for the scalar-graph batch path) and a query, compiled the one-line way
/// (<see cref="ChainCompilation"/>, which picks the tensor level for pinn and wide, the scalar graph for seed), with a batch of
/// 1,024 inputs, TorchSharp's batched nested autograd and, for the Laplacian, the hand-written batched
/// forward Laplacian. <see cref="Verify"/> checks the peers against TapeAD before anything is timed.
/// </summary>
public sealed class ScaleCase : IDisposable
{
    public const int Size = 1024;

    /// <param name="model">The model's name.</param>
    /// <param name="query">The query; with <paramref name="output"/> only <see cref="Query.Jacobian"/>
    /// (the gradient of that output) or <see cref="Query.Hvp"/> (its Hessian-vector product).</param>
    /// <param name="output">One output, or null for the query of every output.</param>
    public ScaleCase(string model, Query query, int? output = null)
    {
        ModelName = model;
        Query = query;
        Output = output;
        Model = Models.Load(model);
        TapeAD = output is int k ? OneOutput(Model.ToTensorFunction(), query, k) : Models.CompileOneLine(Model, query);
        Inputs = Models.Inputs(Model, query, Size).SelectMany(x => x).ToArray();
        Results = new double[Size * TapeAD.OutputLength];
        PeerResults = new double[Size * TapeAD.OutputLength];
        if (query == Query.Laplacian && BatchedLaplacian.Supports(Model)) Hand = new BatchedLaplacian(Model, Size);
    }

    public string ModelName { get; }
    public Query Query { get; }
    public int? Output { get; }

    /// <summary>The case as the report names it: <c>wide/Hvp</c>, or <c>wide/Gradient(0)</c> and <c>wide/Hvp(0)</c> for one output.</summary>
    public string Name => Output is int k ? $"{ModelName}/{(Query == Query.Jacobian ? "Gradient" : Query.ToString())}({k})" : $"{ModelName}/{Query}";

    private static ICompiledQuery OneOutput(TensorFunction model, Query query, int k) => query switch
    {
        Query.Jacobian => model.CompileGradient(k),
        Query.Hvp => model.CompileHessianVectorProduct(k),
        _ => throw new ArgumentOutOfRangeException(nameof(query), query, "One output: the gradient (Jacobian) or the Hessian-vector product."),
    };
    public Chain Model { get; }
    public ICompiledQuery TapeAD { get; }
    public BatchedLaplacian? Hand { get; }
    public double[] Inputs { get; }
    public double[] Results { get; }
    public double[] PeerResults { get; }
    private TorchPeer? _torch;
    public TorchPeer Torch => _torch ??= new TorchPeer(Model);

    /// <summary>Multiply-adds of layer products per input: the rows the tensor level propagates times the
    /// weights (forward Laplacian (d + 2)·Σ in·out, second-order Jacobian (2d + 1)·Σ in·out); 0 when
    /// the scalar graph was chosen (seed), which has no layer products to count.</summary>
    public long MultiplyAdds => TapeAD is TensorQuery layers ? layers.MultiplyAddsPerInput : 0;

    public void RunTapeAD(int threads) => TapeAD.EvaluateBatch(Inputs, Results, threads);

    public void RunTorch() => Torch.Run(Query, Size, Inputs, PeerResults, Output);

    public void RunHand() => Hand!.Run(Size, Inputs, PeerResults);

    /// <summary>Checks TorchSharp (batched) and the hand-written Laplacian against TapeAD's batch on all
    /// 1,024 inputs; throws beyond 1e-10 relative (floor 1e-3 of the row's largest magnitude).
    /// Returns the largest relative differences (torch, hand).</summary>
    public (double Torch, double Hand) Verify()
    {
        RunTapeAD(1);
        double torch = 0, hand = 0;
        RunTorch();
        torch = Compare("TorchSharp (batched)");
        if (Hand != null)
        {
            RunHand();
            hand = Compare("hand-written batched Laplacian");
        }
        return (torch, hand);
    }

    private double Compare(string peer)
    {
        int n = TapeAD.OutputLength;
        double worst = 0;
        for (int s = 0; s < Size; s++)
        {
            double scale = 0;
            for (int i = 0; i < n; i++) scale = Math.Max(scale, Math.Abs(Results[s * n + i]));
            for (int i = 0; i < n; i++)
            {
                double ours = Results[s * n + i], theirs = PeerResults[s * n + i];
                double denom = Math.Max(Math.Max(Math.Abs(ours), Math.Abs(theirs)), 1e-3 * scale);
                double rel = denom == 0 ? 0 : Math.Abs(ours - theirs) / denom;
                if (!(rel <= 1e-10))
                    throw new InvalidOperationException($"{Name}: {peer} differs from TapeAD at input {s}, result {i}: {theirs:R} vs {ours:R} (relative {rel:E2}).");
                worst = Math.Max(worst, rel);
            }
        }
        return worst;
    }

    public void Dispose() => _torch?.Dispose();
}
