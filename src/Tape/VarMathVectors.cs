namespace TapeAD.Tape;

// Reductions over vectors of traced values.
public static partial class VarMath
{
    /// <summary><c>x₀ + x₁ + …</c>, left to right.</summary>
    /// <exception cref="ArgumentException">When <paramref name="x"/> is empty.</exception>
    public static Var Sum(ReadOnlySpan<Var> x)
    {
        var s = First(x, nameof(x));
        for (int i = 1; i < x.Length; i++) s += x[i];
        return s;
    }

    /// <summary>The mean <c>(x₀ + x₁ + …) / n</c>.</summary>
    /// <exception cref="ArgumentException">When <paramref name="x"/> is empty.</exception>
    public static Var Mean(ReadOnlySpan<Var> x) => Sum(x) / x.Length;

    /// <summary><c>x₀ · x₁ · …</c>, left to right (no division, so zeros are fine).</summary>
    /// <exception cref="ArgumentException">When <paramref name="x"/> is empty.</exception>
    public static Var Prod(ReadOnlySpan<Var> x)
    {
        var p = First(x, nameof(x));
        for (int i = 1; i < x.Length; i++) p *= x[i];
        return p;
    }

    /// <summary><c>Σ aᵢ bᵢ</c>.</summary>
    /// <exception cref="ArgumentException">When the lengths differ or are 0.</exception>
    public static Var Dot(ReadOnlySpan<Var> a, ReadOnlySpan<Var> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"Expected vectors of the same length, got {a.Length} and {b.Length}.", nameof(b));
        var s = First(a, nameof(a)) * b[0];
        for (int i = 1; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>The Euclidean norm <c>sqrt(Σ xᵢ²)</c>. Its derivative at the zero vector is 0, as
    /// PyTorch's <c>norm</c> gives (the formula <c>x / ‖x‖</c> would be 0/0). Squares overflow beyond
    /// about 1e154, as in PyTorch.</summary>
    /// <exception cref="ArgumentException">When <paramref name="x"/> is empty.</exception>
    public static Var Norm(ReadOnlySpan<Var> x)
    {
        var s = Dot(x, x);
        // The select routes the derivative: sqrt's infinite slope at 0 lies on the discarded branch.
        return Select(Greater(s, s.Const(0)), Sqrt(s), s.Const(0));
    }

    /// <summary><c>log Σ exp(xᵢ)</c>, shifted by the largest xᵢ so that large inputs neither overflow
    /// nor lose their differences (an infinite largest xᵢ is not shifted, as PyTorch's <c>logsumexp</c>).</summary>
    /// <exception cref="ArgumentException">When <paramref name="x"/> is empty.</exception>
    public static Var LogSumExp(ReadOnlySpan<Var> x)
    {
        var shift = Shift(x);
        return shift + Log(SumOfShiftedExp(x, shift));
    }

    /// <summary><c>exp(xᵢ) / Σ exp(xⱼ)</c>, computed from <c>xᵢ - max x</c> so that large logits do not overflow.</summary>
    /// <exception cref="ArgumentException">When <paramref name="x"/> is empty.</exception>
    public static Var[] Softmax(ReadOnlySpan<Var> x)
    {
        var shift = Shift(x);
        var e = new Var[x.Length];
        for (int i = 0; i < x.Length; i++) e[i] = Exp(x[i] - shift);
        var total = Sum(e);
        for (int i = 0; i < e.Length; i++) e[i] /= total;
        return e;
    }

    /// <summary><c>xᵢ - log Σ exp(xⱼ)</c>, max-shifted as <see cref="LogSumExp"/>.</summary>
    /// <exception cref="ArgumentException">When <paramref name="x"/> is empty.</exception>
    public static Var[] LogSoftmax(ReadOnlySpan<Var> x)
    {
        var shift = Shift(x);
        var logTotal = Log(SumOfShiftedExp(x, shift));
        var y = new Var[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = x[i] - shift - logTotal;
        return y;
    }

    private static Var SumOfShiftedExp(ReadOnlySpan<Var> x, Var shift)
    {
        var s = Exp(x[0] - shift);
        for (int i = 1; i < x.Length; i++) s += Exp(x[i] - shift);
        return s;
    }

    // The largest element, or 0 when it is infinite. Any shift gives the same function and the same
    // derivative (its contributions cancel), so ties need no even split and this max is a plain select.
    private static Var Shift(ReadOnlySpan<Var> x)
    {
        var m = First(x, nameof(x));
        for (int i = 1; i < x.Length; i++) m = Select(Greater(x[i], m), x[i], m);
        var zero = m.Const(0);
        return Select(Greater(m, m.Const(double.MaxValue)), zero, Select(Greater(m.Const(-double.MaxValue), m), zero, m));
    }

    private static Var First(ReadOnlySpan<Var> x, string name)
    {
        if (x.IsEmpty) throw new ArgumentException("Expected at least one value, got an empty vector.", name);
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i].Graph == null)
                throw new ArgumentException($"Element {i} is default(Var); a Var must come from a graph.", name);
            Var.SameGraph(x[0], x[i]);
        }
        return x[0];
    }
}
