using TapeAD.Bench.HandWritten;
using TapeAD.Bench.Torch;
using TapeAD.Compiler;
using TapeAD.Nn;

namespace TapeAD.Bench;

/// <summary>One benchmark case: a model and a query, with TapeAD's compiled function and the two peers.</summary>
public sealed class Case : IDisposable
{
    public Case(string name, Query query)
    {
        ModelName = name;
        Query = query;
        Model = Models.Load(name);
        Compiled = Models.Prepare(Model, query);
        Hand = new HandNet(Model);
        InputLength = Models.InputLength(Model, query);
        OutputLength = Models.OutputLength(Model, query);
    }

    public string ModelName { get; }
    public Query Query { get; }
    public Chain Model { get; }
    public CompiledFunction Compiled { get; }
    public HandNet Hand { get; }
    public int InputLength { get; }
    public int OutputLength { get; }
    private TorchPeer? _torch;
    public TorchPeer Torch => _torch ??= new TorchPeer(Model);

    public static Case Parse(string id)
    {
        var parts = id.Split('/');
        return new Case(parts[0], Enum.Parse<Query>(parts[1]));
    }

    public void RunHand(ReadOnlySpan<double> x, Span<double> r) => Hand.Run(Query, x, r);

    /// <summary>Checks each peer against TapeAD on <paramref name="xs"/>; throws on a mismatch.
    /// Returns the largest relative differences (hand, torch).</summary>
    public (double Hand, double Torch) Verify(double[][] xs, bool torch = true)
    {
        double worstHand = 0, worstTorch = 0;
        var ours = new double[OutputLength];
        var theirs = new double[OutputLength];
        foreach (var x in xs)
        {
            Compiled.Evaluate(x, ours);
            RunHand(x, theirs);
            worstHand = Math.Max(worstHand, Compare(ours, theirs, "hand-written"));
            if (torch)
            {
                Torch.Run(Query, 1, x, theirs);
                worstTorch = Math.Max(worstTorch, Compare(ours, theirs, "TorchSharp"));
            }
        }
        if (torch && xs.Length > 1)
        {
            // The batched form too.
            var flat = xs.SelectMany(x => x).ToArray();
            var batch = new double[xs.Length * OutputLength];
            Torch.Run(Query, xs.Length, flat, batch);
            for (int s = 0; s < xs.Length; s++)
            {
                Compiled.Evaluate(xs[s], ours);
                worstTorch = Math.Max(worstTorch, Compare(ours, batch.AsSpan(s * OutputLength, OutputLength), "TorchSharp (batched)"));
            }
        }
        return (worstHand, worstTorch);
    }

    /// <summary>Largest relative difference; throws beyond 1e-10 (relative to the larger magnitude,
    /// with a floor of 1e-3 of the result's largest magnitude, so entries that are zero up to cancellation compare absolutely).</summary>
    private double Compare(ReadOnlySpan<double> ours, ReadOnlySpan<double> theirs, string peer)
    {
        double scale = 0;
        foreach (var v in ours) scale = Math.Max(scale, Math.Abs(v));
        double worst = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            double denom = Math.Max(Math.Max(Math.Abs(ours[i]), Math.Abs(theirs[i])), 1e-3 * scale);
            double rel = denom == 0 ? 0 : Math.Abs(ours[i] - theirs[i]) / denom;
            if (!(rel <= 1e-10))
                throw new InvalidOperationException($"{ModelName}/{Query}: {peer} differs from TapeAD at result {i}: {theirs[i]:R} vs {ours[i]:R} (relative {rel:E2}).");
            worst = Math.Max(worst, rel);
        }
        return worst;
    }

    public void Dispose() => _torch?.Dispose();
}
