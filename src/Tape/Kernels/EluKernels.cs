using System.Runtime.CompilerServices;

namespace TapeAD.Tape.Kernels;

/// <summary>
/// The ELU family <c>x &gt; 0 ? a·x : b·(e^min(x, 0) − 1)</c> (ELU: a = 1, b = α; SELU: a = γ, b = γα) with
/// its first two derivatives, from one exp per element. The operations are the ones
/// <see cref="VarMath.Elu"/> and <see cref="VarMath.Selu"/> record (exp, not expm1, of the non-positive
/// part, minus one, times b), and their derivatives' (<c>b·e</c>, since e·1 is exact), so each element gets
/// the scalar graph's bits; a NaN takes the negative branch and stays NaN, as the graph's comparison gives
/// (its payload may differ from the graph's NaN: NaN-ness, not the payload, is what both promise).
/// </summary>
internal static class EluKernels
{
    /// <summary><c>x &gt; 0 ? a·x : b·(e^min(x, 0) − 1)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Elu<T, M>(T x, T a, T b) where T : struct, ILanes<T, M> where M : struct
    {
        var positive = T.Less(T.Of(0.0), x);
        var e = ExpKernels.Exp<T, M>(T.Select(positive, T.Of(0.0), x));
        return T.Select(positive, a * x, b * (e - T.Of(1.0)));
    }

    /// <summary>The value with <c>x &gt; 0 ? a : b·e</c> and <c>x &gt; 0 ? 0 : b·e</c>, where <c>e = e^min(x, 0)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (T Value, T First, T Second) EluDerivatives<T, M>(T x, T a, T b) where T : struct, ILanes<T, M> where M : struct
    {
        var positive = T.Less(T.Of(0.0), x);
        var e = ExpKernels.Exp<T, M>(T.Select(positive, T.Of(0.0), x));
        var slope = b * e;
        return (T.Select(positive, a * x, b * (e - T.Of(1.0))), T.Select(positive, a, slope), T.Select(positive, T.Of(0.0), slope));
    }
}
