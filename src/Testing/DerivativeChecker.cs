using TapeAD.Nn;
using TapeAD.Tape;

namespace TapeAD.Testing;

/// <summary>
/// Checks every derivative query of a <see cref="TapeFunction"/> at a point: against central finite
/// differences with Richardson extrapolation (<see cref="FiniteDifferences.Estimate"/>), with a
/// tolerance from each estimate's own error bound, and against the same derivative built by the
/// other modes. The queries are built once, when the checker is made, and evaluated by the
/// interpreter (the reference path) at every point checked. Finite differences are left out along
/// directions that cross a kink of the function (a comparison in its graph, as in relu) within the steps.
/// </summary>
/// <example>
/// <code>
/// var checker = new DerivativeChecker(BuiltinModels.Seed());
/// DerivativeReport report = checker.Check([0.5, -0.3, 0.8, -1.2, 0.1]);
/// Console.WriteLine(report);   // names the worst entry: query, output, inputs, expected, got, tolerance
/// </code>
/// </example>
public sealed partial class DerivativeChecker
{
    private static readonly SecondOrderMode[] SecondOrderModes =
        [SecondOrderMode.ForwardOverForward, SecondOrderMode.ForwardOverReverse, SecondOrderMode.ReverseOverForward, SecondOrderMode.ReverseOverReverse];

    private readonly TapeFunction _jacobian, _jacobianReverse, _secondOrderJacobian, _laplacian;
    private readonly TapeFunction[] _gradients, _hessians, _hvps, _singleHvps;
    private readonly Kinks _kinks;
    private readonly double[] _direction;

    /// <summary>Builds every derivative query of <paramref name="function"/> once.</summary>
    /// <exception cref="ArgumentException">When an option is out of range; the message names it.</exception>
    public DerivativeChecker(TapeFunction function, DerivativeCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        Options = options ?? DerivativeCheckOptions.Default;
        Options.Validate(function.InputLength);
        Function = function;
        int m = function.OutputLength, d = function.InputLength;
        _direction = Options.Direction?.ToArray() ?? Enumerable.Range(0, d).Select(j => Math.Cos(1 + j)).ToArray();
        _jacobian = function.Jacobian(FirstOrderMode.Forward);
        _jacobianReverse = function.Jacobian(FirstOrderMode.Reverse);
        _gradients = Enumerable.Range(0, m).Select(i => function.Gradient(i)).ToArray();
        _hessians = SecondOrderModes.Select(mode => function.Hessian(mode)).ToArray();
        _hvps = SecondOrderModes.Select(mode => function.HessianVectorProduct(mode)).ToArray();
        _singleHvps = Enumerable.Range(0, m).Select(i => function.HessianVectorProduct(i)).ToArray();
        _secondOrderJacobian = function.SecondOrderJacobian();
        _laplacian = function.Laplacian();
        _kinks = new Kinks(function);
    }

    /// <summary>Builds the checker for a chain's recorded function (<see cref="Chain.ToFunction"/>).</summary>
    public DerivativeChecker(Chain chain, DerivativeCheckOptions? options = null)
        : this((chain ?? throw new ArgumentNullException(nameof(chain))).ToFunction(), options) { }

    /// <summary>The checked function.</summary>
    public TapeFunction Function { get; }

    /// <summary>What is compared and how strictly.</summary>
    public DerivativeCheckOptions Options { get; }

    /// <summary>Checks every query at <paramref name="x"/> with a new checker.</summary>
    public static DerivativeReport Check(TapeFunction function, double[] x, DerivativeCheckOptions? options = null) =>
        new DerivativeChecker(function, options).Check(x);

    /// <summary>Checks every query at <paramref name="x"/> with a new checker, throwing when one is wrong.</summary>
    /// <exception cref="DerivativeCheckException">When an entry is out of tolerance; the message names the worst.</exception>
    public static void AssertCorrect(TapeFunction function, double[] x, DerivativeCheckOptions? options = null) =>
        new DerivativeChecker(function, options).AssertCorrect(x);

    /// <summary>Throws when a derivative at <paramref name="x"/> is out of tolerance (for use inside a property).</summary>
    /// <exception cref="DerivativeCheckException">When an entry is out of tolerance; the message names the worst.</exception>
    public void AssertCorrect(double[] x)
    {
        var report = Check(x);
        if (!report.Passed) throw new DerivativeCheckException(report);
    }

    /// <summary>Compares every query at <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentException">When <paramref name="x"/> has the wrong length or a value that is not finite.</exception>
    public DerivativeReport Check(double[] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Length != Function.InputLength)
            throw new ArgumentException($"{Function.Description}: expected a point of {Function.InputLength} inputs, got {x.Length}.", nameof(x));
        int bad = Array.FindIndex(x, v => !double.IsFinite(v));
        if (bad >= 0) throw new ArgumentException($"Expected a finite point; x[{bad}] is {x[bad]}.", nameof(x));

        var c = new Comparisons();
        var at = new Evaluated(this, x);
        if (Options.CompareModes) CompareModes(at, c);
        if (Options.CompareWithFiniteDifferences) CompareWithFiniteDifferences(at, c);
        return c.Report(Function.Description, x);
    }

    /// <summary>Every query evaluated at one point, each with its rounding-error bounds.</summary>
    private sealed class Evaluated
    {
        public Evaluated(DerivativeChecker k, double[] x)
        {
            X = x;
            M = k.Function.OutputLength;
            D = k.Function.InputLength;
            double[] xv = [.. x, .. k._direction];
            Value = Bounded.At(k.Function, x);
            Jacobian = Bounded.At(k._jacobian, x);
            JacobianReverse = Bounded.At(k._jacobianReverse, x);
            Gradients = k._gradients.Select(f => Bounded.At(f, x)).ToArray();
            Hessians = k._hessians.Select(f => Bounded.At(f, x)).ToArray();
            Hvps = k._hvps.Select(f => Bounded.At(f, xv)).ToArray();
            SingleHvps = k._singleHvps.Select(f => Bounded.At(f, xv)).ToArray();
            SecondOrderJacobian = Bounded.At(k._secondOrderJacobian, x);
            Laplacian = Bounded.At(k._laplacian, x);
        }

        public double[] X { get; }
        public int M { get; }
        public int D { get; }
        public Bounded Value { get; }
        public Bounded Jacobian { get; }
        public Bounded JacobianReverse { get; }
        public Bounded[] Gradients { get; }
        public Bounded[] Hessians { get; }
        public Bounded[] Hvps { get; }
        public Bounded[] SingleHvps { get; }
        public Bounded SecondOrderJacobian { get; }
        public Bounded Laplacian { get; }

        /// <summary>Index of H_i[j, l] in a Hessian.</summary>
        public int H(int i, int j, int l) => (i * D + j) * D + l;
    }

    /// <summary>A query's values and the rounding-error bound of each (<see cref="RoundingBounds"/>).</summary>
    private sealed record Bounded(double[] V, double[] E)
    {
        public static Bounded At(TapeFunction f, double[] x) => new(f.Evaluate(x), RoundingBounds.Of(f, x));

        /// <summary>The largest finite |value| of row <paramref name="i"/>, <paramref name="width"/> entries per output.</summary>
        public double RowSize(int i, int width)
        {
            double s = 0;
            for (int k = i * width; k < (i + 1) * width; k++) if (double.IsFinite(V[k])) s = Math.Max(s, Math.Abs(V[k]));
            return s;
        }
    }
}
