using TapeAD.Bench.HandWritten;
using TapeAD.Bench.Torch;
using TapeAD.Compiler;
using TapeAD.Nn;

namespace TapeAD.Bench.Batches;

/// <summary>
/// One batch case of a small network (seed, small-deep): 1,024 inputs through TapeAD's one-line compiled
/// query (as a batch, and as a loop of <c>Evaluate</c> calls), the hand-written per-call peer in a loop,
/// the hand-written batch peer (<see cref="BatchNet"/>) and TorchSharp batched. <see cref="Verify"/> checks
/// every one against TapeAD's batch on all 1,024 inputs before anything is timed.
/// </summary>
public sealed class SmallBatchCase : IDisposable
{
    public const int Size = 1024;

    public SmallBatchCase(string model, Query query)
    {
        ModelName = model;
        Query = query;
        Model = Models.Load(model);
        TapeAD = Models.CompileOneLine(Model, query);
        Hand = new HandNet(Model);
        HandBatch = new BatchNet(Model, query);
        Torch = new TorchPeer(Model);
        Xs = Models.Inputs(Model, query, Size);
        Flat = Xs.SelectMany(x => x).ToArray();
        OutputLength = TapeAD.OutputLength;
        Results = new double[Size * OutputLength];
    }

    public string ModelName { get; }
    public Query Query { get; }
    public Chain Model { get; }
    public ICompiledQuery TapeAD { get; }
    public HandNet Hand { get; }
    public BatchNet HandBatch { get; }
    public TorchPeer Torch { get; }
    public double[][] Xs { get; }
    public double[] Flat { get; }
    public double[] Results { get; }
    public int OutputLength { get; }

    public void RunTapeADBatch() => TapeAD.EvaluateBatch(Flat, Results, 1);

    public void RunTapeADLoop()
    {
        var f = TapeAD;
        for (int s = 0; s < Size; s++) f.Evaluate(Xs[s], Results.AsSpan(s * OutputLength, OutputLength));
    }

    public void RunHandLoop()
    {
        for (int s = 0; s < Size; s++) Hand.Run(Query, Xs[s], Results.AsSpan(s * OutputLength, OutputLength));
    }

    public void RunHandBatch() => HandBatch.Run(Size, Flat, Results);

    public void RunTorch() => Torch.Run(Query, Size, Flat, Results);

    /// <summary>Runs TapeAD's batch, then every other path, each compared with it on all inputs
    /// (<see cref="Agreement.Tight"/>). Returns the largest relative difference per path.</summary>
    public IReadOnlyList<(string Path, double Worst)> Verify()
    {
        RunTapeADBatch();
        var expected = Results.ToArray();
        var worst = new List<(string, double)>();
        foreach (var (path, run) in new (string, Action)[]
                 {
                     ("TapeAD loop", RunTapeADLoop), ("hand-written per call", RunHandLoop),
                     ("hand-written batch", RunHandBatch), ("TorchSharp batched", RunTorch),
                 })
        {
            Array.Fill(Results, double.NaN);
            run();
            worst.Add((path, Agreement.Check($"{ModelName}/{Query}: {path}", expected, Results, OutputLength)));
        }
        // A batch that is not a whole number of blocks: the last block runs on zero-padded lanes.
        const int partial = BatchNet.Block + 37;
        var part = new double[partial * OutputLength];
        HandBatch.Run(partial, Flat.AsSpan(0, partial * HandBatch.InputLength), part);
        worst.Add(("hand-written batch, 101 inputs", Agreement.Check($"{ModelName}/{Query}: hand-written batch of {partial}",
            expected.AsSpan(0, part.Length), part, OutputLength)));
        return worst;
    }

    public void Dispose() => Torch.Dispose();
}
