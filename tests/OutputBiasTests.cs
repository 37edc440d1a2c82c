using TapeAD.Layers;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// A forward derivative query's output that adds a constant shares its operand's rows (the constant touches
/// only the value row, which the query does not return): outputs that are also read further on, or whose
/// operand is, keep rows of their own, and every query still computes what the scalar graph computes.
/// </summary>
public class OutputBiasTests
{
    private static readonly double[] W = [0.3, -0.7, 1.1, 0.5, -0.2, 0.9];
    private static readonly double[] B = [0.25, -1.5, 4.0];

    public static TheoryData<string> Shapes() => ["output", "output read further on", "operand read further on", "constant first", "subtracted"];

    private static TensorFunction Function(string shape) => TensorFunction.Record(2, x =>
    {
        var u = x.MatMul(W, 3);
        var c = u.Const(B);
        return shape switch
        {
            "output" => [TensorMath.Tanh(u.MatMul(W[..3], 1)) , TensorMath.Tanh(u) + c],
            "output read further on" => [u + c, TensorMath.Sigmoid(u + c)],
            "operand read further on" => [u + c, TensorMath.Tanh(u)],
            "constant first" => [c + TensorMath.Tanh(u), c - TensorMath.Sigmoid(u)],
            _ => [TensorMath.Tanh(u) - c],
        };
    }, shape);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_query_matches_the_scalar_graph(string shape)
    {
        var f = Function(shape);
        double[] x = [0.6, -1.3], v = [0.8, 0.45];
        foreach (var (name, scalar, tensor) in TensorGraphTests.Pairs(f))
        {
            var input = tensor.InputLength == x.Length ? x : [.. x, .. v];
            TensorGraphTests.AssertClose(scalar.Evaluate(input), tensor.Evaluate(input), 1e-12, $"{shape}, {name}");
        }
    }
}
