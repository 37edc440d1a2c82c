using System.Runtime.CompilerServices;

namespace TapeAD.Tape.Kernels;

/// <summary>
/// The error function, ported from fdlibm's <c>s_erf.c</c> (Sun Microsystems, 1993; the same
/// rational approximations FreeBSD and musl use): error below 1 ulp on every range. .NET has no
/// <c>Math.Erf</c>, and GELU as exporters write it needs one. Written over lanes: each range is
/// computed only when some element falls in it, and selected per element.
/// </summary>
internal static class ErfKernel
{
    // erx = (float)0.84506291151: erf(1) split so that erf on [0.84375, 1.25] is erx + P/Q.
    private const double Erx = 8.45062911510467529297e-01;
    // 2/sqrt(pi) - 1, for the first term of the series on |x| < 2^-28; Efx8 = 8 * Efx.
    private const double Efx = 1.28379167095512586316e-01;
    private const double Efx8 = 1.02703333676410069053e+00;

    // erf on [0, 0.84375]: x + x * R(x²)/S(x²).
    private const double Pp0 = 1.28379167095512558561e-01, Pp1 = -3.25042107247001499370e-01,
        Pp2 = -2.84817495755985104766e-02, Pp3 = -5.77027029648944159157e-03, Pp4 = -2.37630166566501626084e-05;
    private const double Qq1 = 3.97917223959155352819e-01, Qq2 = 6.50222499887672944485e-02,
        Qq3 = 5.08130628187576562776e-03, Qq4 = 1.32494738004321644526e-04, Qq5 = -3.96022827877536812320e-06;

    // erf on [0.84375, 1.25]: erx + P(s)/Q(s), s = |x| - 1.
    private const double Pa0 = -2.36211856075265944077e-03, Pa1 = 4.14856118683748331666e-01,
        Pa2 = -3.72207876035701323847e-01, Pa3 = 3.18346619901161753674e-01, Pa4 = -1.10894694282396677476e-01,
        Pa5 = 3.54783043256182359371e-02, Pa6 = -2.16637559486879084300e-03;
    private const double Qa1 = 1.06420880400844228286e-01, Qa2 = 5.40397917702171048937e-01,
        Qa3 = 7.18286544141962662868e-02, Qa4 = 1.26171219808761642112e-01, Qa5 = 1.36370839120290507362e-02,
        Qa6 = 1.19844998467991074170e-02;

    // erfc on [1.25, 1/0.35]: exp(-x² - 0.5625 + R(s)/S(s)) / x, s = 1/x².
    private const double Ra0 = -9.86494403484714822705e-03, Ra1 = -6.93858572707181764372e-01,
        Ra2 = -1.05586262253232909814e+01, Ra3 = -6.23753324503260060396e+01, Ra4 = -1.62396669462573470355e+02,
        Ra5 = -1.84605092906711035994e+02, Ra6 = -8.12874355063065934246e+01, Ra7 = -9.81432934416914548592e+00;
    private const double Sa1 = 1.96512716674392571292e+01, Sa2 = 1.37657754143519042600e+02,
        Sa3 = 4.34565877475229228821e+02, Sa4 = 6.45387271733267880336e+02, Sa5 = 4.29008140027567833386e+02,
        Sa6 = 1.08635005541779435134e+02, Sa7 = 6.57024977031928170135e+00, Sa8 = -6.04244152148580987438e-02;

    // erfc on [1/0.35, 6]: the same form with other coefficients.
    private const double Rb0 = -9.86494292470009928597e-03, Rb1 = -7.99283237680523006574e-01,
        Rb2 = -1.77579549177547519889e+01, Rb3 = -1.60636384855821916062e+02, Rb4 = -6.37566443368389627722e+02,
        Rb5 = -1.02509513161107724954e+03, Rb6 = -4.83519191608651397019e+02;
    private const double Sb1 = 3.03380607434824582924e+01, Sb2 = 3.25792512996573918826e+02,
        Sb3 = 1.53672958608443695994e+03, Sb4 = 3.19985821950859553908e+03, Sb5 = 2.55305040643316442583e+03,
        Sb6 = 4.74528541206955367215e+02, Sb7 = -2.24409524465858183362e+01;

    private const double TwoPowMinus28 = 3.725290298461914e-09;
    private const double TwoPowMinus1015 = 2.848094538889218e-306;
    // fdlibm splits at the high word 0x4006DB6E, just below 1/0.35.
    private const long OneOverPoint35Bits = 0x4006DB6E00000000;
    private const long HighWord = unchecked((long)0xFFFFFFFF00000000UL);

    /// <summary>erf(x); erf(±∞) = ±1, erf(NaN) = NaN, erf(-0) = -0; measured at most 0.69 ulp from the true value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Erf<T, M>(T x) where T : struct, ILanes<T, M> where M : struct
    {
        var ax = T.Abs(x);
        var positive = T.LessOrEqual(T.Of(0.0), x);
        // erf(x) rounds to ±1 from |x| = 6 on (erfc(6) ≈ 2e-17), and ±∞ keep it.
        var result = T.Select(positive, T.Of(1.0), T.Of(-1.0));
        var inner = T.Less(ax, T.Of(0.84375));
        if (T.Any(inner))
        {
            // Scaled by 8 so that a subnormal x does not lose bits in efx * x.
            var tiny = T.Select(T.Less(ax, T.Of(TwoPowMinus1015)),
                T.Of(0.125) * (T.Of(8.0) * x + T.Of(Efx8) * x), x + T.Of(Efx) * x);
            var z = x * x;
            var r = T.Of(Pp0) + z * (T.Of(Pp1) + z * (T.Of(Pp2) + z * (T.Of(Pp3) + z * T.Of(Pp4))));
            var s = T.Of(1.0) + z * (T.Of(Qq1) + z * (T.Of(Qq2) + z * (T.Of(Qq3) + z * (T.Of(Qq4) + z * T.Of(Qq5)))));
            var near = T.Select(T.Less(ax, T.Of(TwoPowMinus28)), tiny, x + x * (r / s));
            result = T.Select(inner, near, result);
        }
        var middle = T.And(T.LessOrEqual(T.Of(0.84375), ax), T.Less(ax, T.Of(1.25)));
        if (T.Any(middle))
        {
            var s = ax - T.Of(1.0);
            var p = T.Of(Pa0) + s * (T.Of(Pa1) + s * (T.Of(Pa2) + s * (T.Of(Pa3) + s * (T.Of(Pa4) + s * (T.Of(Pa5) + s * T.Of(Pa6))))));
            var q = T.Of(1.0) + s * (T.Of(Qa1) + s * (T.Of(Qa2) + s * (T.Of(Qa3) + s * (T.Of(Qa4) + s * (T.Of(Qa5) + s * T.Of(Qa6))))));
            result = T.Select(middle, T.Select(positive, T.Of(Erx) + p / q, -T.Of(Erx) - p / q), result);
        }
        var outer = T.And(T.LessOrEqual(T.Of(1.25), ax), T.Less(ax, T.Of(6.0)));
        if (T.Any(outer)) result = T.Select(outer, Outer<T, M>(x, ax, positive), result);
        return T.Select(T.Equal(x, x), result, x);
    }

    // 1.25 <= |x| < 6: erf = ±(1 - erfc), erfc = exp(-x² - 0.5625 + R(s)/S(s)) / |x| with s = 1/x².
    // A method of its own: inlined, its two rationals and two exps ran the JIT out of inlining budget in
    // Erf, which then called some of its lane operators (33 ns per element over a span).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static T Outer<T, M>(T x, T ax, M positive) where T : struct, ILanes<T, M> where M : struct
    {
        var t = T.Of(1.0) / (ax * ax);
        var first = T.Less(ax, T.OfBits(OneOverPoint35Bits));
        var num = T.Of(0.0);
        var den = T.Of(1.0);
        if (T.Any(first))
        {
            var na = T.Of(Ra0) + t * (T.Of(Ra1) + t * (T.Of(Ra2) + t * (T.Of(Ra3) + t * (T.Of(Ra4) + t * (T.Of(Ra5) + t * (T.Of(Ra6) + t * T.Of(Ra7)))))));
            var da = T.Of(1.0) + t * (T.Of(Sa1) + t * (T.Of(Sa2) + t * (T.Of(Sa3) + t * (T.Of(Sa4) + t * (T.Of(Sa5) + t * (T.Of(Sa6) + t * (T.Of(Sa7) + t * T.Of(Sa8))))))));
            num = na;
            den = da;
        }
        var second = T.LessOrEqual(T.OfBits(OneOverPoint35Bits), ax);
        if (T.Any(second))
        {
            var nb = T.Of(Rb0) + t * (T.Of(Rb1) + t * (T.Of(Rb2) + t * (T.Of(Rb3) + t * (T.Of(Rb4) + t * (T.Of(Rb5) + t * T.Of(Rb6))))));
            var db = T.Of(1.0) + t * (T.Of(Sb1) + t * (T.Of(Sb2) + t * (T.Of(Sb3) + t * (T.Of(Sb4) + t * (T.Of(Sb5) + t * (T.Of(Sb6) + t * T.Of(Sb7)))))));
            num = T.Select(second, nb, num);
            den = T.Select(second, db, den);
        }
        // zh is |x| with its low 32 bits cleared, so zh * zh is exact and exp(-x²) loses nothing
        // to the rounding of x²: exp(-x²) = exp(-zh² - 0.5625) * exp((zh - ax)(zh + ax) + R/S).
        var zh = T.AndBits(ax, HighWord);
        var erfc = ExpKernels.Exp<T, M>(-zh * zh - T.Of(0.5625)) * ExpKernels.Exp<T, M>((zh - ax) * (zh + ax) + num / den) / ax;
        return T.Select(positive, T.Of(1.0) - erfc, erfc - T.Of(1.0));
    }
}
