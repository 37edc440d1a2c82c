using TapeAD.Layers;
using TapeAD.Nn;
using TapeAD.Tape;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// What a reverse query at the tensor level leaves out changes no result: the forward rows its sweep back
/// never reads (a gradient's last layer), the products of adjoint rows that are the same for every input
/// (computed for one input of a block and copied) and the copies of σ and σ′ of a one-row query. On random
/// DAGs of every node kind, a batch that fills some blocks and leaves one partly filled gives every row the
/// bits of its own <c>Evaluate</c> and the scalar graph's values; on a chain, the plan leaves out exactly
/// the last layer's products.
/// </summary>
public class ReverseSweepTests
{
    private const int Rows = 150; // two full blocks of 64 one-row inputs and a partial one

    public static TheoryData<int> Seeds => [.. Enumerable.Range(0, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Reverse_queries_of_a_random_dag_give_every_batch_row_its_own_calls_bits_and_the_scalar_graphs_values(int seed)
    {
        var (f, x, v) = TensorGraphTests.RandomDag(seed);
        var rng = new Random(seed);
        foreach (var (name, scalar, tensor) in TensorGraphTests.Pairs(f).Where(p => p.Name.Contains("reverse") || p.Name.EndsWith(" for") || p.Name.Contains("curvature")))
        {
            int n = tensor.InputLength;
            var inputs = new double[Rows * n];
            for (int r = 0; r < Rows; r++)
                for (int i = 0; i < n; i++)
                    inputs[r * n + i] = (i < x.Length ? x[i] : v[i - x.Length]) + 0.3 * (2 * rng.NextDouble() - 1);
            var batch = new double[Rows * tensor.OutputLength];
            tensor.EvaluateBatch(inputs, batch, 1);
            for (int r = 0; r < Rows; r++)
            {
                var row = inputs.AsSpan(r * n, n).ToArray();
                var got = batch.AsSpan(r * tensor.OutputLength, tensor.OutputLength).ToArray();
                NnAssert.SameBits(tensor.Evaluate(row), got, $"seed {seed}, {name}, row {r} of the batch against its own call");
                TensorGraphTests.AssertClose(scalar.Evaluate(row), got, 1e-10, $"seed {seed}, {name}, row {r}");
            }
        }
    }

    [Fact]
    public void A_gradient_of_one_output_leaves_out_the_last_layers_forward_product_and_computes_its_product_back_once_per_block()
    {
        // 5 → 24 → 17 → 3, identity output: forward 5·24 + 24·17, back 24·17 + 5·24 (the 17 × 3 layer's
        // adjoint rows are e_k for every input).
        var chain = Chain.Random("sweep", new Random(8), 5, (24, Activation.Tanh), (17, Activation.Softplus), (3, Activation.Identity));
        var f = chain.ToTensorFunction();
        Assert.Equal(2L * (5 * 24 + 24 * 17), f.Gradient(1, FirstOrderMode.Reverse).MultiplyAddsPerInput);
        // A last activation needs the last product forward (its σ′) and makes its adjoint rows differ from input to input.
        var curved = Chain.Random("sweep", new Random(8), 5, (24, Activation.Tanh), (17, Activation.Softplus), (3, Activation.Tanh));
        Assert.Equal(2L * (5 * 24 + 24 * 17 + 17 * 3), curved.ToTensorFunction().Gradient(1, FirstOrderMode.Reverse).MultiplyAddsPerInput);
        // A forward query computes every layer.
        Assert.Equal(5 * 24 + 24 * 17 + 17 * 3, f.Value().MultiplyAddsPerInput);
    }

    [Fact]
    public void A_gradient_batch_of_a_chain_matches_the_scalar_graph_on_every_row()
    {
        var chain = Chain.Random("sweep", new Random(9), 6, (40, Activation.Softplus), (33, Activation.Tanh), (4, Activation.Identity));
        var f = chain.ToTensorFunction();
        var scalar = chain.ToFunction();
        var rng = new Random(2);
        var inputs = LayerQueryTests.RandomRows(rng, Rows, 6);
        for (int k = 0; k < 4; k++)
        {
            var q = f.Gradient(k, FirstOrderMode.Reverse);
            var batch = new double[Rows * 6];
            q.EvaluateBatch(inputs, batch, 2);
            var expected = scalar.Gradient(k);
            for (int r = 0; r < Rows; r++)
                TensorGraphTests.AssertClose(expected.Evaluate(inputs.AsSpan(r * 6, 6).ToArray()), batch.AsSpan(r * 6, 6).ToArray(), 1e-12, $"gradient of output {k}, row {r}");
        }
    }
}
