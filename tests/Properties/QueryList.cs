using TapeAD.Tape;

namespace TapeAD.Tests.Properties;

/// <summary>Every query of a network case, each with the input it takes (x, or x then v for HVPs).</summary>
internal static class QueryList
{
    private static readonly SecondOrderMode[] SecondOrderModes =
        [SecondOrderMode.ForwardOverForward, SecondOrderMode.ForwardOverReverse, SecondOrderMode.ReverseOverForward, SecondOrderMode.ReverseOverReverse];

    public static IEnumerable<(TapeFunction Query, double[] Input)> Of(TapeFunction f, double[] x, double[] v)
    {
        double[] xv = [.. x, .. v];
        yield return (f, x);
        yield return (f.Gradient(f.OutputLength - 1), x);
        yield return (f.Jacobian(FirstOrderMode.Forward), x);
        yield return (f.Jacobian(FirstOrderMode.Reverse), x);
        foreach (var mode in SecondOrderModes) yield return (f.Hessian(mode), x);
        yield return (f.HessianVectorProduct(), xv);
        yield return (f.HessianVectorProduct(0), xv);
        yield return (f.SecondOrderJacobian(), x);
        yield return (f.Laplacian(), x);
    }

    public static SecondOrderMode[] Modes => SecondOrderModes;
}
