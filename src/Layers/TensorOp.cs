namespace TapeAD.Layers;

/// <summary>The kinds of node a <see cref="TensorGraph"/> holds. Every node is a vector of one input
/// row (the batch dimension is implicit). Each kind's rules stand together, one case per kind, in each
/// of the passes: recording and folding (<see cref="TensorGraph"/>), the scalar expansion, forward
/// propagation of value, tangent and second-order rows, and the sweep back of adjoint rows
/// (<see cref="TensorQuery"/>, whose file heads list every kind's rule).</summary>
public enum TensorOp : byte
{
    /// <summary>A slice of the function's input vector.</summary>
    Input,
    /// <summary>A constant vector.</summary>
    Constant,
    /// <summary><c>y = W x</c> with a constant matrix, applied to each of <c>groups</c> consecutive parts of x.</summary>
    MatMul,
    /// <summary><c>y_i = f(x_i)</c> for a scalar function f recorded with <see cref="Tape.VarMath"/>.</summary>
    Map,
    /// <summary><c>a + b</c>, elementwise.</summary>
    Add,
    /// <summary><c>a - b</c>, elementwise.</summary>
    Sub,
    /// <summary><c>a · b</c>, elementwise.</summary>
    Mul,
    /// <summary><c>a / b</c>, elementwise.</summary>
    Div,
    /// <summary>The operands' entries one after another.</summary>
    Concat,
    /// <summary><c>y_i = x[index_i]</c>: slices, gathers, transposes and broadcasts (an index may repeat).</summary>
    Take,
    /// <summary>Sums of consecutive segments of equal length (the whole vector when the segment is its width).</summary>
    Sum,
}
