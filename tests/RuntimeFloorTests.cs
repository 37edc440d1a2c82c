using System.Reflection;
using System.Runtime.CompilerServices;
using TapeAD.Compiler;
using TapeAD.Layers;
using TapeAD.Nn;
using TapeAD.Runtime;
using TapeAD.Tape;
using Xunit;

namespace TapeAD.Tests;

/// <summary>The run-time floor both levels stand on (TapeAD.Runtime): one set of length checks and messages,
/// one batch dispatch, reachable through public API only.</summary>
public class RuntimeFloorTests
{
    private static readonly Chain Model = Chain.Random("floor", new Random(5), 3, (9, Activation.Tanh), (2, Activation.Identity));

    // Every kind of function a user calls: the interpreter, a compiled scalar graph, a tensor query.
    private static IEnumerable<(string Description, int InputLength, int OutputLength, Action<double[], double[]> Evaluate)> Functions()
    {
        var function = Model.ToFunction().Jacobian();
        ICompiledQuery scalar = function.Compile();
        ICompiledQuery tensor = Model.ToTensorFunction().Jacobian();
        yield return (function.Description, function.InputLength, function.OutputLength, (x, y) => function.Evaluate(x, y));
        yield return (scalar.Description, scalar.InputLength, scalar.OutputLength, (x, y) => scalar.Evaluate(x, y));
        yield return (tensor.Description, tensor.InputLength, tensor.OutputLength, (x, y) => tensor.Evaluate(x, y));
    }

    private static ArgumentException Refusal(Action call) => Assert.ThrowsAny<ArgumentException>(call);

    [Fact]
    public void Every_level_refuses_wrong_call_lengths_with_the_floors_message()
    {
        foreach (var (description, d, m, evaluate) in Functions())
        {
            foreach (var (xLength, yLength) in new[] { (d - 1, m), (d + 1, m), (d, m - 1), (d, m + 1), (0, 0) })
            {
                var expected = Refusal(() => CallShape.Check(description, d, m, xLength, yLength));
                var actual = Refusal(() => evaluate(new double[xLength], new double[yLength]));
                Assert.Equal(expected.Message, actual.Message);
                Assert.Equal(expected.ParamName, actual.ParamName);
            }
        }
    }

    [Fact]
    public void Both_levels_refuse_wrong_batch_lengths_with_the_floors_message()
    {
        ICompiledQuery[] queries = [Model.ToFunction().Jacobian().Compile(), Model.ToTensorFunction().Jacobian()];
        foreach (var q in queries)
        {
            int d = q.InputLength, m = q.OutputLength;
            foreach (var (inputs, results) in new[] { (2 * d + 1, 2 * m), (2 * d, 2 * m - 1), (2 * d, 3 * m), (0, m) })
            {
                var expected = Refusal(() => CallShape.BatchRows(q.Description, inputs, results, d, m));
                var actual = Refusal(() => q.EvaluateBatch(new double[inputs], new double[results]));
                Assert.Equal(expected.Message, actual.Message);
                Assert.Equal(expected.ParamName, actual.ParamName);
            }
            var shared = new double[4 * Math.Max(d, m)];
            var overlap = Refusal(() => q.EvaluateBatch(shared.AsSpan(0, 2 * d), shared.AsSpan(1, 2 * m)));
            Assert.Equal($"{q.Description}: the batch's inputs and results must not overlap. (Parameter 'results')", overlap.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => q.EvaluateBatch(new double[2 * d], new double[2 * m], 0));
        }
    }

    /// <summary>A third implementation, written against the public floor only: each result is its input times
    /// the row number plus one, and every block records how often it ran.</summary>
    private sealed class Scaled(int rowsPerBlock, int failingBlock = -1) : IBatchBlocks
    {
        public const int Width = 3;
        public int[] Runs { get; private set; } = [];

        public void Run(double[] inputs, double[] results, int threads)
        {
            Runs = new int[(inputs.Length / Width + rowsPerBlock - 1) / rowsPerBlock];
            CallShape.RunBatch(this, "scaled", inputs, results, Width, Width, rowsPerBlock, threads);
        }

        public unsafe void RunBlock(in BatchSpan batch, int block)
        {
            Interlocked.Increment(ref Runs[block]);
            if (block == failingBlock) throw new InvalidOperationException($"block {block} fails");
            int first = block * rowsPerBlock, end = Math.Min(batch.Rows, first + rowsPerBlock);
            for (int r = first; r < end; r++)
                for (int j = 0; j < Width; j++)
                    batch.Results[r * Width + j] = batch.Inputs[r * Width + j] * (r + 1);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(50, 7)]
    [InlineData(64, 8)]
    [InlineData(101, 200)]
    public void A_batch_runs_every_block_once_on_any_number_of_threads(int rows, int rowsPerBlock)
    {
        var x = Enumerable.Range(0, rows * Scaled.Width).Select(i => 0.5 + i).ToArray();
        foreach (int threads in new[] { 1, 2, 8 })
        {
            var work = new Scaled(rowsPerBlock);
            var y = new double[x.Length];
            work.Run(x, y, threads);
            Assert.All(work.Runs, n => Assert.Equal(1, n));
            for (int i = 0; i < y.Length; i++) Assert.Equal(x[i] * (i / Scaled.Width + 1), y[i]);
        }
    }

    [Fact]
    public void A_failing_block_reaches_the_caller_as_thrown_on_any_number_of_threads_and_leaves_the_workers_usable()
    {
        var x = new double[40 * Scaled.Width];
        foreach (int threads in new[] { 1, 2 })
        {
            var failure = Assert.Throws<InvalidOperationException>(() => new Scaled(4, failingBlock: 6).Run(x, new double[x.Length], threads));
            Assert.Equal("block 6 fails", failure.Message);
        }
        var after = new Scaled(4);
        after.Run(x, new double[x.Length], 2);
        Assert.All(after.Runs, n => Assert.Equal(1, n));
        Assert.Throws<ArgumentOutOfRangeException>(() => CallShape.RunBatch(after, "scaled", x, new double[x.Length], 3, 3, 0, 1));
    }

    [Fact]
    public void No_level_reaches_into_another_assembly_through_internals_visible_to()
    {
        Assembly[] floorAndLevels = [typeof(CallShape).Assembly, typeof(TapeFunction).Assembly, typeof(CompiledFunction).Assembly,
            typeof(TensorQuery).Assembly, typeof(Chain).Assembly];
        foreach (var assembly in floorAndLevels)
            foreach (var friend in assembly.GetCustomAttributes<InternalsVisibleToAttribute>())
                Assert.Equal("TapeAD.Tests", friend.AssemblyName);
        Assert.Same(typeof(CallShape).Assembly, typeof(ICompiledQuery).Assembly);
    }
}
