using TapeAD.Tape;
using static TapeAD.Tape.VarMath;

namespace TapeAD.Tests;

/// <summary>
/// The test functions of DiffTests.jl (the suite ForwardDiff.jl and ReverseDiff.jl check themselves
/// against), written with <see cref="VarMath"/> as directly as Julia writes them. Matrices are square
/// and stored column-major, as Julia stores them; the in-place functions start from the array Julia's
/// out-of-place wrapper fills (zeros or ones).
/// </summary>
internal static class DiffTestsFunctions
{
    // f(x::Number)::Number
    public static Var Num2Num1(Var x) => Pow(Sin(x), 2) / Pow(Cos(x), 2);
    public static Var Num2Num2(Var x) => 2 * x + Sqrt(x * x * x);
    public static Var Num2Num3(Var x) => Pow(10.31, x + x) - x;
    public static Var Num2Num4(Var x) => x.Const(1);
    public static Var Num2Num5(Var x) => 1.0 / (1.0 + Exp(-x));

    // f(x::Number)::Array, the 2×2×2 array flattened.
    public static Var[] Num2Arr1(Var x) =>
        [Num2Num1(x), Num2Num2(x), Num2Num3(x), Num2Num1(x) - Num2Num2(x), Num2Num2(x), Num2Num3(x), Num2Num2(x), Num2Num3(x)];

    // f!(y::Array, x::Number) on y = zeros(length).
    public static Var[] Num2Arr1InPlace(Var x, int length)
    {
        var y = Fill(x, length, 0);
        for (int i = 1; i < length; i++) y[i] = Pow(Sin(x) + y[i - 1], 2);
        return y;
    }

    // f(x::Vector)::Number
    public static Var Vec2Num1(Var[] x) => (Exp(x[0]) + Log(x[2]) * x[3]) / x[4];
    public static Var Vec2Num2(Var[] x) => x[0] * x[1] + Sin(x[0]);
    public static Var Vec2Num3(Var[] x) => Norm(x.SelectMany(row => x.Select(column => row * column)).ToArray());

    public static Var Vec2Num4(Var[] x)
    {
        _ = Sum(x) + Prod(x);   // computed and discarded, as in Julia
        return x[0].Const(1);
    }

    public static Var Vec2Num5(Var[] x) => Sum(x.Select(v => Pow(-v, 3)).ToArray());
    public static Var Vec2Num6(Var[] x) => Sum(x.Select(v => Select(Greater(v, v.Const(0)), v, v.Const(0))).ToArray());
    public static Var Vec2Num7(Var[] x) => Sum(x.Select(y => x[0] * y).ToArray());

    public static Var Rosenbrock1(Var[] x)
    {
        const double a = 1, b = 100 * a;
        var result = x[0].Const(0);
        for (int i = 0; i < x.Length - 1; i++) result += Pow(a - x[i], 2) + b * Pow(x[i + 1] - Pow(x[i], 2), 2);
        return result;
    }

    public static Var Rosenbrock2(Var[] x)
    {
        var a = x[0];
        var b = 100 * a;
        return Sum(Enumerable.Range(0, x.Length - 1).Select(k => Pow(a - x[k], 2) + b * Pow(x[k + 1] - Pow(x[k], 2), 2)).ToArray());
    }

    public static Var Rosenbrock3(Var[] x) =>
        Sum(Enumerable.Range(0, x.Length - 1).Select(k => Pow(1.0 - x[k], 2) + 100 * Pow(x[k + 1] - Pow(x[k], 2), 2)).ToArray());

    public static Var Rosenbrock4(Var[] x) =>
        Sum(Enumerable.Range(0, x.Length - 1).Select(k => Pow(1.0 + x[k], 2) + 100 * Pow(Abs(x[k + 1] + Pow(x[k], 2)), 2)).ToArray());

    public static Var Ackley(Var[] x)
    {
        double a = 20.0, b = -0.2, c = 2.0 * Math.PI, lengthRecip = 1.0 / x.Length;
        var sumSquares = x[0].Const(0);
        var sumCos = sumSquares;
        foreach (var v in x)
        {
            sumCos += Cos(c * v);
            sumSquares += Pow(v, 2);
        }
        return -a * Exp(b * Sqrt(lengthRecip * sumSquares)) - Exp(lengthRecip * sumCos) + a + Math.E;
    }

    public static Var SelfWeightedLogit(Var[] x) => 1.0 / (1.0 + Exp(-Dot(x, x)));

    // f(x::Matrix)::Number
    public static Var Det(Var[] x)
    {
        // LU without pivoting (the test matrices have non-zero leading minors).
        int n = Order(x);
        var u = (Var[])x.Clone();
        for (int k = 0; k < n; k++)
            for (int i = k + 1; i < n; i++)
            {
                var factor = u[At(n, i, k)] / u[At(n, k, k)];
                for (int j = k; j < n; j++) u[At(n, i, j)] -= factor * u[At(n, k, j)];
            }
        return Prod(Enumerable.Range(0, n).Select(k => u[At(n, k, k)]).ToArray());
    }

    public static Var Mat2Num1(Var[] x)
    {
        var inverse = Inv(MatMul(x, x));
        return Det(inverse.Select((v, k) => x[0] * v + x[k]).ToArray());
    }

    public static Var Mat2Num2(Var[] x)
    {
        // tr(log.((1 .+ a * b) .+ a .- b)) with a the column vec(x) and b the row vec(x): the diagonal only.
        return Sum(x.Select(v => Log(1.0 + v * v + v - v)).ToArray());
    }

    public static Var Mat2Num3(Var[] x) => Sum(x.Select(v => Sqrt(Abs(v) + Pow(v, 2)) * 0.5).ToArray());

    public static Var Mat2Num4(Var[] x)
    {
        int n = Order(x);
        var product = MatMul(x.Select(Sin).ToArray(), x);
        return Mean(Enumerable.Range(0, n).Select(i => Sum(Enumerable.Range(0, n).Select(j => product[At(n, i, j)]).ToArray())).ToArray());
    }

    public static Var Softmax2(Var[] x)
    {
        int n = Order(x);
        return Sum(Enumerable.Range(0, n).SelectMany(i => Softmax(Enumerable.Range(0, n).Select(j => x[At(n, i, j)]).ToArray())).ToArray());
    }

    // f(x1, w1, w2)::Number on the concatenation [x1; vec(w1); w2], w1 being n×n.
    public static Var NeuralStep(Var[] x1, Var[] w1, Var[] w2)
    {
        int n = Order(w1);
        var hidden = MatVec(w1, x1[..n]).Select(v => Log(1.0 + Exp(v))).ToArray();
        return 1.0 / (1.0 + Exp(-Dot(w2[..n], hidden)));
    }

    // f!(y::Array, x::Array)
    public static Var[] Chebyquad(Var[] x)
    {
        var y = Fill(x[0], x.Length, 0);
        double tk = 1.0 / x.Length;
        for (int j = 0; j < x.Length; j++)
        {
            Var temp1 = x[0].Const(1.0), temp2 = 2 * x[j] - 1, temp = 2 * temp2;
            for (int i = 0; i < y.Length; i++)
            {
                y[i] += temp2;
                var ti = temp * temp2 - temp1;
                temp1 = temp2;
                temp2 = ti;
            }
        }
        double iev = -1.0;
        for (int k = 0; k < y.Length; k++)
        {
            y[k] *= tk;
            int k1 = k + 1;
            if (iev > 0) y[k] += 1.0 / (k1 * k1 - 1);
            iev = -iev;
        }
        return y;
    }

    public static Var[] BrownAlmostLinear(Var[] x)
    {
        var y = Fill(x[0], x.Length, 0);
        var c = Sum(x) - (x.Length + 1);
        for (int i = 0; i < x.Length - 1; i++)
            for (int j = 0; j < y.Length - 1; j++)
                y[j] += x[i] + c;
        y[^1] = Prod(x) - 1;
        return y;
    }

    public static Var[] Trigonometric(Var[] x)
    {
        var y = Fill(x[0], x.Length, 1);
        foreach (var v in x)
            for (int j = 0; j < y.Length; j++) y[j] = Cos(v);
        var c = Sum(y);
        int n = x.Length;
        foreach (var v in x)
            for (int j = 0; j < y.Length; j++) y[j] = Sin(v) * y[j] + n - c;
        return y;
    }

    public static Var[] MutationTest1(Var[] x)
    {
        var y = Fill(x[0], x.Length, 0);
        y[0] = x[0];
        y[0] = y[0] * x[1];
        y[1] = y[1] * x[2];
        y[2] = Sum(y);
        return y;
    }

    public static Var[] MutationTest2(Var[] x)
    {
        var y = Fill(x[0], x.Length, 1);
        y[0] *= x[0];
        y[1] *= x[0];
        y[0] *= x[1];
        y[1] *= x[1];
        return y;
    }

    public static Var[] Arr2Arr1(Var[] x)
    {
        _ = Sum(x.Select(v => v * v).ToArray());
        return Fill(x[0], x.Length, 0);
    }

    // x[1, :] .+ x[1, :] .+ first(x) for a matrix x.
    public static Var[] Arr2Arr2(Var[] x)
    {
        int n = Order(x);
        return Enumerable.Range(0, n).Select(j => x[At(n, 0, j)] + x[At(n, 0, j)] + x[0]).ToArray();
    }

    public static Var[] Negate(Var[] x) => x.Select(v => -v).ToArray();

    // f(::Matrix)::Matrix: Gauss-Jordan elimination without pivoting.
    public static Var[] Inv(Var[] x)
    {
        int n = Order(x);
        var a = (Var[])x.Clone();
        var inverse = new Var[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) inverse[At(n, i, j)] = x[0].Const(i == j ? 1 : 0);
        for (int k = 0; k < n; k++)
        {
            var pivot = a[At(n, k, k)];
            for (int j = 0; j < n; j++)
            {
                a[At(n, k, j)] /= pivot;
                inverse[At(n, k, j)] /= pivot;
            }
            for (int i = 0; i < n; i++)
            {
                if (i == k) continue;
                var factor = a[At(n, i, k)];
                for (int j = 0; j < n; j++)
                {
                    a[At(n, i, j)] -= factor * a[At(n, k, j)];
                    inverse[At(n, i, j)] -= factor * inverse[At(n, k, j)];
                }
            }
        }
        return inverse;
    }

    // f(::Matrix, ::Matrix)::Matrix
    public static Var[] Plus(Var[] a, Var[] b) => a.Zip(b, (p, q) => p + q).ToArray();
    public static Var[] Minus(Var[] a, Var[] b) => a.Zip(b, (p, q) => p - q).ToArray();
    public static Var[] Times(Var[] a, Var[] b) => MatMul(a, b);
    public static Var[] RightDivide(Var[] a, Var[] b) => MatMul(a, Inv(b));
    public static Var[] LeftDivide(Var[] a, Var[] b) => MatMul(Inv(a), b);
    public static Var[] BroadcastTimes(Var[] a, Var[] b) => a.Zip(b, (p, q) => p * q).ToArray();
    public static Var[] BroadcastDivide(Var[] a, Var[] b) => a.Zip(b, (p, q) => p / q).ToArray();
    public static Var[] BroadcastLeftDivide(Var[] a, Var[] b) => a.Zip(b, (p, q) => q / p).ToArray();
    public static Var[] BroadcastPower(Var[] a, Var[] b) => a.Zip(b, Pow).ToArray();
    public static Var[] TimesTransposed(Var[] a, Var[] b) => MatMul(a, Transpose(b));
    public static Var[] TransposedTimes(Var[] a, Var[] b) => MatMul(Transpose(a), b);
    public static Var[] TransposedTimesTransposed(Var[] a, Var[] b) => MatMul(Transpose(a), Transpose(b));

    private static Var[] MatMul(Var[] a, Var[] b)
    {
        int n = Order(a);
        var c = new Var[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                c[At(n, i, j)] = Dot(Enumerable.Range(0, n).Select(k => a[At(n, i, k)]).ToArray(), Enumerable.Range(0, n).Select(k => b[At(n, k, j)]).ToArray());
        return c;
    }

    private static Var[] MatVec(Var[] a, Var[] v)
    {
        int n = Order(a);
        return Enumerable.Range(0, n).Select(i => Dot(Enumerable.Range(0, n).Select(k => a[At(n, i, k)]).ToArray(), v)).ToArray();
    }

    private static Var[] Transpose(Var[] a)
    {
        int n = Order(a);
        var t = new Var[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) t[At(n, i, j)] = a[At(n, j, i)];
        return t;
    }

    private static Var[] Fill(Var like, int length, double value) => Enumerable.Repeat(like.Const(value), length).ToArray();

    private static int Order(Var[] square) => (int)Math.Round(Math.Sqrt(square.Length));

    // Column-major, as Julia.
    private static int At(int n, int i, int j) => i + j * n;
}
