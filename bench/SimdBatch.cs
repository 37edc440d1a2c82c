using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using TapeAD.Compiler;
using TapeAD.Tape;

namespace TapeAD.Bench;

/// <summary>
/// Batches of 1,024 inputs of the compiled scalar graphs (seed and small-deep, every query), on one
/// thread: a loop of <c>Evaluate</c> calls (the baseline), the batch one row at a time, and the batch
/// through the SIMD form (4 inputs per instruction with AVX2, 8 with AVX-512). Time per input.
/// </summary>
[Config(typeof(BenchConfig))]
public class SimdBatch
{
    private const int Size = 1024;
    private CompiledFunction _rows = null!, _simd = null!;
    private double[] _x = null!, _y = null!;
    private int _in, _out;

    public static IEnumerable<string> Cases() =>
        new[] { "seed", "small-deep" }.SelectMany(m => Enum.GetValues<Query>().Select(q => $"{m}/{q}"));

    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var c = TapeAD.Bench.Cases.Get(Case);
        var f = c.Compiled.Source;
        _rows = CompiledFunction.Compile(f, CompilerOptions.Default with { BatchVectorWidth = BatchVectorWidth.None });
        _simd = CompiledFunction.Compile(f);
        _in = c.InputLength;
        _out = c.OutputLength;
        _x = Models.Inputs(c.Model, c.Query, Size).SelectMany(x => x).ToArray();
        _y = new double[Size * _out];
        // Checked, not assumed: the SIMD batch gives every row Evaluate's bits.
        _simd.EvaluateBatch(_x, _y, 1);
        var one = new double[_out];
        for (int r = 0; r < Size; r++)
        {
            _rows.Evaluate(_x.AsSpan(r * _in, _in), one);
            if (!one.AsSpan().SequenceEqual(_y.AsSpan(r * _out, _out)))
                throw new InvalidOperationException($"{Case}: SIMD batch row {r} differs from Evaluate.");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Size)]
    public void EvaluateLoop()
    {
        for (int r = 0; r < Size; r++) _rows.Evaluate(_x.AsSpan(r * _in, _in), _y.AsSpan(r * _out, _out));
    }

    [Benchmark(OperationsPerInvoke = Size)]
    public void BatchRowByRow() => _rows.EvaluateBatch(_x, _y, 1);

    [Benchmark(OperationsPerInvoke = Size)]
    public void BatchSimd() => _simd.EvaluateBatch(_x, _y, 1);
}

/// <summary>
/// The own elementwise kernels against <see cref="Math"/> and <see cref="TensorPrimitives"/> on 4,096
/// inputs (time per element): the scalar form in a loop, and the span form (widest vectors).
/// </summary>
[Config(typeof(BenchConfig))]
public class ElementwiseKernels
{
    private const int Size = 4096;
    private double[] _x = null!, _y = null!, _tail = new double[Size];
    private Func<double, double> _math = null!, _ours = null!;
    private SpanMap _oursSpan = null!, _tensor = null!;

    private delegate void SpanMap(ReadOnlySpan<double> x, Span<double> y);

    // erf is left out: neither Math nor TensorPrimitives has one to compare with.
    [Params("exp", "log", "tanh", "sigmoid", "softplus", "sin", "cos")]
    public string Function { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(7);
        _x = Enumerable.Range(0, Size).Select(_ => Function == "log" ? Math.Exp(rng.NextDouble() * 20 - 10) : rng.NextDouble() * 8 - 4).ToArray();
        _y = new double[Size];
        (_math, _ours, _oursSpan, _tensor) = Function switch
        {
            "exp" => (Math.Exp, Elementwise.Exp, Elementwise.Exp, TensorPrimitives.Exp),
            "log" => (Math.Log, Elementwise.Log, Elementwise.Log, TensorPrimitives.Log),
            "tanh" => (Math.Tanh, Elementwise.Tanh, Elementwise.Tanh, TensorPrimitives.Tanh),
            "sigmoid" => (x => 1 / (1 + Math.Exp(-x)), Elementwise.Sigmoid, Elementwise.Sigmoid, TensorPrimitives.Sigmoid),
            "softplus" => ((Func<double, double>)(x => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x))),
                (Func<double, double>)Elementwise.Softplus, (SpanMap)Elementwise.Softplus, (SpanMap)SoftplusByTensorPrimitives),
            "sin" => (Math.Sin, Elementwise.Sin, Elementwise.Sin, TensorPrimitives.Sin),
            "cos" => (Math.Cos, Elementwise.Cos, Elementwise.Cos, TensorPrimitives.Cos),
            _ => throw new ArgumentException($"Unknown function {Function}."),
        };
    }

    // What ColumnProgram did before the own kernels: max(x, 0) + log1p(exp(-|x|)) in span passes.
    private void SoftplusByTensorPrimitives(ReadOnlySpan<double> x, Span<double> y)
    {
        var tail = _tail.AsSpan(0, x.Length);
        TensorPrimitives.Abs(x, tail);
        TensorPrimitives.Negate(tail, tail);
        TensorPrimitives.Exp(tail, tail);
        TensorPrimitives.LogP1(tail, tail);
        for (int l = 0; l < y.Length; l++) y[l] = x[l] > 0 ? x[l] + tail[l] : double.IsNaN(x[l]) ? x[l] : tail[l];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Size)]
    public void MathLoop()
    {
        for (int i = 0; i < Size; i++) _y[i] = _math(_x[i]);
    }

    [Benchmark(OperationsPerInvoke = Size)]
    public void OursScalarLoop()
    {
        for (int i = 0; i < Size; i++) _y[i] = _ours(_x[i]);
    }

    [Benchmark(OperationsPerInvoke = Size)]
    public void OursSpan() => _oursSpan(_x, _y);

    [Benchmark(OperationsPerInvoke = Size)]
    public void TensorPrimitivesSpan() => _tensor(_x, _y);
}
