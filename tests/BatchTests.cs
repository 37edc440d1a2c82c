using TapeAD.Compiler;
using TapeAD.Layers;
using TapeAD.Nn;
using TapeAD.Tape;
using Xunit;

namespace TapeAD.Tests;

/// <summary>Batch calls: the same bits as one call per row (on both levels), the same bits whatever the number of
/// threads, and no allocation once warm.</summary>
public class BatchTests
{
    private const int Rows = 203; // not a multiple of any block size

    private static IEnumerable<ICompiledQuery> ScalarQueries()
    {
        var f = BuiltinModels.Seed().ToFunction();
        return [f.Compile(), f.Jacobian().Compile(), f.Hessian().Compile(), f.HessianVectorProduct().Compile(),
            f.SecondOrderJacobian().Compile(), f.Laplacian().Compile()];
    }

    private static IEnumerable<ICompiledQuery> TensorQueries()
    {
        var chain = Chain.Random("batch", new Random(3), 5, (24, Activation.Tanh), (17, Activation.Softplus), (3, Activation.Gelu), (2, Activation.Identity));
        return LayerQueryTests.Pairs(chain).Select(p => (ICompiledQuery)p.Tensor);
    }

    private static (double[] Inputs, double[] Results) Batch(ICompiledQuery q, int threads)
    {
        var x = LayerQueryTests.RandomRows(new Random(q.InputLength * 31 + q.OutputLength), Rows, q.InputLength);
        var y = new double[Rows * q.OutputLength];
        q.EvaluateBatch(x, y, threads);
        return (x, y);
    }

    [Fact]
    public void Scalar_graph_batches_give_each_rows_evaluate_bits()
    {
        foreach (var q in ScalarQueries())
        {
            var (x, y) = Batch(q, Environment.ProcessorCount);
            var one = new double[q.OutputLength];
            for (int r = 0; r < Rows; r++)
            {
                q.Evaluate(x.AsSpan(r * q.InputLength, q.InputLength), one);
                Assert.Equal(one, y.AsSpan(r * q.OutputLength, q.OutputLength).ToArray());
            }
        }
    }

    [Fact]
    public void Tensor_level_batches_give_each_rows_evaluate_bits()
    {
        foreach (var q in TensorQueries())
        {
            var (x, y) = Batch(q, Environment.ProcessorCount);
            var one = new double[q.OutputLength];
            for (int r = 0; r < Rows; r++)
            {
                q.Evaluate(x.AsSpan(r * q.InputLength, q.InputLength), one);
                Assert.True(one.AsSpan().SequenceEqual(y.AsSpan(r * q.OutputLength, q.OutputLength)), $"{q.Description}: row {r} differs from its Evaluate");
            }
        }
    }

    [Fact]
    public void Results_are_bit_identical_for_every_thread_count()
    {
        foreach (var q in ScalarQueries().Concat(TensorQueries()))
        {
            var (_, single) = Batch(q, 1);
            foreach (int threads in new[] { 2, 3, 8 })
                Assert.Equal(single, Batch(q, threads).Results);
        }
    }

    // Measured on the calling thread: the worker threads allocate their buffers once, on their first block.
    [Fact]
    public void Warm_batch_calls_allocate_nothing()
    {
        foreach (var q in ScalarQueries().Concat(TensorQueries()))
        {
            var x = LayerQueryTests.RandomRows(new Random(1), Rows, q.InputLength);
            var y = new double[Rows * q.OutputLength];
            var one = new double[q.OutputLength];
            for (int warm = 0; warm < 3; warm++)
            {
                q.EvaluateBatch(x, y);
                q.EvaluateBatch(x, y, 1);
                q.Evaluate(x.AsSpan(0, q.InputLength), one);
            }
            // Up to three rounds of five calls, one of which must allocate nothing: an allocation per call
            // shows in every round, while the runtime may allocate once on this thread when it promotes a
            // method between tiers (seen once under heavy load: 8,152 bytes in one round, none in the next).
            long allocated = 0;
            for (int round = 0; round < 3; round++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int call = 0; call < 5; call++)
                {
                    q.EvaluateBatch(x, y);
                    q.EvaluateBatch(x, y, 1);
                    q.Evaluate(x.AsSpan(0, q.InputLength), one);
                }
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (allocated == 0) break;
            }
            Assert.True(allocated == 0, $"{q.Description}: {allocated} bytes allocated in each of three rounds of warm calls");
        }
    }

    [Fact]
    public void Batches_from_several_threads_at_once_are_all_right()
    {
        var q = TensorQueries().First(t => t.Description.StartsWith("second-order", StringComparison.Ordinal));
        var (x, expected) = Batch(q, 1);
        var results = new double[4][];
        Parallel.For(0, 4, i =>
        {
            results[i] = new double[expected.Length];
            for (int repeat = 0; repeat < 5; repeat++) q.EvaluateBatch(x, results[i]);
        });
        foreach (var r in results) Assert.Equal(expected, r);
    }
}
