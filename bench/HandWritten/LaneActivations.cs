using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TapeAD.Nn;

namespace TapeAD.Bench.HandWritten;

/// <summary>
/// An activation and its first two derivatives for 8 inputs at once (one <see cref="Vector512{T}"/>),
/// from one <see cref="Vector512.Exp(Vector512{double})"/> per element, as a performance engineer writes
/// them: <c>elu = u &gt; 0 ? u : e^u − 1</c>; <c>tanh = ±(1 − e)/(1 + e)</c> with <c>e = e^{−2|u|}</c>
/// (never overflows; absolute error a few ulp of 1, which is what the network's sums see);
/// <c>sigmoid = 1/(1 + e^{−u})</c>. Derivatives from the value: <c>tanh' = 1 − t²</c>,
/// <c>tanh'' = −2 t tanh'</c>, <c>σ' = σ(1 − σ)</c>, <c>σ'' = σ'(1 − 2σ)</c>.
/// </summary>
public static class LaneActivations
{
    /// <summary>Whether <paramref name="act"/> has a lane form here (the activations of the seed and small-deep networks).</summary>
    public static bool Supports(Activation act) => act is Activation.Identity or Activation.Elu or Activation.Tanh or Activation.Sigmoid;

    /// <summary><c>σ(u)</c>, <c>σ'(u)</c>, <c>σ''(u)</c> lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Apply(Activation act, Vector512<double> u, out Vector512<double> s1, out Vector512<double> s2)
    {
        var one = Vector512<double>.One;
        switch (act)
        {
            case Activation.Elu:
            {
                var positive = Vector512.GreaterThan(u, Vector512<double>.Zero);
                var e = Vector512.Exp(Vector512.Min(u, Vector512<double>.Zero));
                s1 = Vector512.ConditionalSelect(positive, one, e);
                s2 = Vector512.ConditionalSelect(positive, Vector512<double>.Zero, e);
                return Vector512.ConditionalSelect(positive, u, e - one);
            }
            case Activation.Tanh:
            {
                var sign = Vector512.Create(-0.0);
                var e = Vector512.Exp(Vector512.Create(-2.0) * Vector512.Abs(u));
                var t = ((one - e) / (one + e)) | (u & sign);
                s1 = one - t * t;
                s2 = Vector512.Create(-2.0) * t * s1;
                return t;
            }
            case Activation.Sigmoid:
            {
                var s = one / (one + Vector512.Exp(-u));
                s1 = s * (one - s);
                s2 = s1 * (one - Vector512.Create(2.0) * s);
                return s;
            }
            case Activation.Identity:
                s1 = one;
                s2 = Vector512<double>.Zero;
                return u;
            default:
                throw new NotSupportedException($"The hand-written batch peer has no lane form for {act}; it covers identity, elu, tanh and sigmoid.");
        }
    }
}
