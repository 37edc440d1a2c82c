using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TapeAD.Tape.Kernels;

namespace TapeAD.Tape;

// Span forms: the widest accelerated vector form over the body of the span, the scalar form on the
// rest. Which elements go through which form never changes their bits.
public static partial class Elementwise
{
    /// <summary><see cref="Exp(double)"/> of every element of <paramref name="x"/> into <paramref name="result"/>
    /// (which may be <paramref name="x"/> itself, but must not overlap it otherwise).</summary>
    /// <exception cref="ArgumentException">When the spans differ in length.</exception>
    public static void Exp(ReadOnlySpan<double> x, Span<double> result) => Map<ExpOp>(x, result);

    /// <summary><see cref="Expm1(double)"/> of every element of <paramref name="x"/> into <paramref name="result"/>
    /// (which may be <paramref name="x"/> itself, but must not overlap it otherwise).</summary>
    /// <exception cref="ArgumentException">When the spans differ in length.</exception>
    public static void Expm1(ReadOnlySpan<double> x, Span<double> result) => Map<Expm1Op>(x, result);

    /// <summary><see cref="Log(double)"/> of every element of <paramref name="x"/> into <paramref name="result"/>
    /// (which may be <paramref name="x"/> itself, but must not overlap it otherwise).</summary>
    /// <exception cref="ArgumentException">When the spans differ in length.</exception>
    public static void Log(ReadOnlySpan<double> x, Span<double> result) => Map<LogOp>(x, result);

    /// <summary><see cref="Log1P(double)"/> of every element of <paramref name="x"/> into <paramref name="result"/>
    /// (which may be <paramref name="x"/> itself, but must not overlap it otherwise).</summary>
    /// <exception cref="ArgumentException">When the spans differ in length.</exception>
    public static void Log1P(ReadOnlySpan<double> x, Span<double> result) => Map<Log1POp>(x, result);

    /// <summary><see cref="Tanh(double)"/> of every element of <paramref name="x"/> into <paramref name="result"/>
    /// (which may be <paramref name="x"/> itself, but must not overlap it otherwise).</summary>
    /// <exception cref="ArgumentException">When the spans differ in length.</exception>
    public static void Tanh(ReadOnlySpan<double> x, Span<double> result) => Map<TanhOp>(x, result);

    /// <summary><see cref="Sigmoid(double)"/> of every element of <paramref name="x"/> into <paramref name="result"/>
    /// (which may be <paramref name="x"/> itself, but must not overlap it otherwise).</summary>
    /// <exception cref="ArgumentException">When the spans differ in length.</exception>
    public static void Sigmoid(ReadOnlySpan<double> x, Span<double> result) => Map<SigmoidOp>(x, result);

    /// <summary><see cref="Softplus(double)"/> of every element of <paramref name="x"/> into <paramref name="result"/>
    /// (which may be <paramref name="x"/> itself, but must not overlap it otherwise).</summary>
    /// <exception cref="ArgumentException">When the spans differ in length.</exception>
    public static void Softplus(ReadOnlySpan<double> x, Span<double> result) => Map<SoftplusOp>(x, result);

    /// <summary><see cref="Erf(double)"/> of every element of <paramref name="x"/> into <paramref name="result"/>
    /// (which may be <paramref name="x"/> itself, but must not overlap it otherwise).</summary>
    /// <exception cref="ArgumentException">When the spans differ in length.</exception>
    public static void Erf(ReadOnlySpan<double> x, Span<double> result) => Map<ErfOp>(x, result);

    /// <summary><see cref="Sin(double)"/> of every element of <paramref name="x"/> into <paramref name="result"/>
    /// (which may be <paramref name="x"/> itself, but must not overlap it otherwise).</summary>
    /// <exception cref="ArgumentException">When the spans differ in length.</exception>
    public static void Sin(ReadOnlySpan<double> x, Span<double> result) => Map<SinOp>(x, result);

    /// <summary><see cref="Cos(double)"/> of every element of <paramref name="x"/> into <paramref name="result"/>
    /// (which may be <paramref name="x"/> itself, but must not overlap it otherwise).</summary>
    /// <exception cref="ArgumentException">When the spans differ in length.</exception>
    public static void Cos(ReadOnlySpan<double> x, Span<double> result) => Map<CosOp>(x, result);

    /// <summary>Whether the unary primitive <paramref name="op"/> has a span form here (<see cref="Apply"/>).</summary>
    public static bool HasSpanForm(Op op) =>
        op is Op.Exp or Op.Expm1 or Op.Log or Op.Log1p or Op.Tanh or Op.Sigmoid or Op.Softplus or Op.Erf or Op.Sin or Op.Cos;

    /// <summary>The span form of <paramref name="op"/> (one of <see cref="HasSpanForm"/>'s) over <paramref name="x"/>
    /// into <paramref name="result"/>: the one place that maps a primitive to its span kernel.</summary>
    /// <exception cref="ArgumentException">When <paramref name="op"/> has no span form, or the spans differ in length.</exception>
    public static void Apply(Op op, ReadOnlySpan<double> x, Span<double> result)
    {
        switch (op)
        {
            case Op.Exp: Exp(x, result); break;
            case Op.Expm1: Expm1(x, result); break;
            case Op.Log: Log(x, result); break;
            case Op.Log1p: Log1P(x, result); break;
            case Op.Tanh: Tanh(x, result); break;
            case Op.Sigmoid: Sigmoid(x, result); break;
            case Op.Softplus: Softplus(x, result); break;
            case Op.Erf: Erf(x, result); break;
            case Op.Sin: Sin(x, result); break;
            case Op.Cos: Cos(x, result); break;
            default: throw new ArgumentException($"Expected a primitive with a span form ({nameof(HasSpanForm)}), got {op}.", nameof(op));
        }
    }

    private interface IMap
    {
        static abstract double Scalar(double x);
        static abstract Vector256<double> Vector(Vector256<double> x);
        static abstract Vector512<double> Vector(Vector512<double> x);
    }

    private readonly struct ExpOp : IMap
    {
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static double Scalar(double x) => Exp(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> Vector(Vector256<double> x) => Exp(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> Vector(Vector512<double> x) => Exp(x);
    }

    private readonly struct Expm1Op : IMap
    {
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static double Scalar(double x) => Expm1(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> Vector(Vector256<double> x) => Expm1(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> Vector(Vector512<double> x) => Expm1(x);
    }

    private readonly struct LogOp : IMap
    {
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static double Scalar(double x) => Log(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> Vector(Vector256<double> x) => Log(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> Vector(Vector512<double> x) => Log(x);
    }

    private readonly struct Log1POp : IMap
    {
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static double Scalar(double x) => Log1P(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> Vector(Vector256<double> x) => Log1P(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> Vector(Vector512<double> x) => Log1P(x);
    }

    private readonly struct TanhOp : IMap
    {
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static double Scalar(double x) => Tanh(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> Vector(Vector256<double> x) => Tanh(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> Vector(Vector512<double> x) => Tanh(x);
    }

    private readonly struct SigmoidOp : IMap
    {
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static double Scalar(double x) => Sigmoid(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> Vector(Vector256<double> x) => Sigmoid(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> Vector(Vector512<double> x) => Sigmoid(x);
    }

    private readonly struct SoftplusOp : IMap
    {
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static double Scalar(double x) => Softplus(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> Vector(Vector256<double> x) => Softplus(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> Vector(Vector512<double> x) => Softplus(x);
    }

    private readonly struct ErfOp : IMap
    {
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static double Scalar(double x) => Erf(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> Vector(Vector256<double> x) => Erf(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> Vector(Vector512<double> x) => Erf(x);
    }

    private readonly struct SinOp : IMap
    {
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static double Scalar(double x) => Sin(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> Vector(Vector256<double> x) => Sin(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> Vector(Vector512<double> x) => Sin(x);
    }

    private readonly struct CosOp : IMap
    {
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static double Scalar(double x) => Cos(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> Vector(Vector256<double> x) => Cos(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> Vector(Vector512<double> x) => Cos(x);
    }

    // Each width's vector loop is a method of its own, with the op's vector form inlined into it and the
    // scalar form (the tail) a call. With both widths' loops and the tail in one method, a kernel of some
    // fifty lane operations ran the JIT out of inlining budget, which left the lane operators as calls (tanh
    // over a span 1.5x to 10x slower); a call per vector instead passes the vector and its result through
    // memory, about 3.5 ns a call (exp over a span in L1: 2.25 ns per element that way, 1.37 inlined).
    // Fully optimised at once, as the delegates that call them are.
    private static void Map<TOp>(ReadOnlySpan<double> x, Span<double> result) where TOp : struct, IMap
    {
        if (x.Length != result.Length)
            throw new ArgumentException($"Expected a result span as long as the input ({x.Length}), got {result.Length}.", nameof(result));
        ref double source = ref MemoryMarshal.GetReference(x);
        ref double target = ref MemoryMarshal.GetReference(result);
        int i = Vector512.IsHardwareAccelerated ? MapWith512<TOp>(ref source, ref target, x.Length)
            : Vector256.IsHardwareAccelerated ? MapWith256<TOp>(ref source, ref target, x.Length) : 0;
        for (; i < x.Length; i++) Unsafe.Add(ref target, i) = TOp.Scalar(Unsafe.Add(ref source, i));
    }

    /// <summary>The whole vectors of a span through the Vector256 form; returns how many elements that was.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int MapWith256<TOp>(ref double source, ref double target, int length) where TOp : struct, IMap
    {
        int i = 0;
        for (; i <= length - Vector256<double>.Count; i += Vector256<double>.Count)
            TOp.Vector(Vector256.LoadUnsafe(ref source, (nuint)i)).StoreUnsafe(ref target, (nuint)i);
        return i;
    }

    /// <summary>The whole vectors of a span through the Vector512 form; returns how many elements that was.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int MapWith512<TOp>(ref double source, ref double target, int length) where TOp : struct, IMap
    {
        int i = 0;
        for (; i <= length - Vector512<double>.Count; i += Vector512<double>.Count)
            TOp.Vector(Vector512.LoadUnsafe(ref source, (nuint)i)).StoreUnsafe(ref target, (nuint)i);
        return i;
    }
    /// <summary>tanh of every element with its first two derivatives, <c>1 - t²</c> and <c>-2t(1 - t²)</c>,
    /// from one tanh per element; each value has <see cref="Tanh(double)"/>'s bits.</summary>
    /// <exception cref="ArgumentException">When the spans differ in length.</exception>
    public static void TanhDerivatives(ReadOnlySpan<double> x, Span<double> value, Span<double> first, Span<double> second) =>
        Map3<TanhDerivativesOp>(x, value, first, second);

    /// <summary>σ of every element with <c>σ(1 - σ)</c> and <c>σ(1 - σ)(1 - 2σ)</c>, from one exp per element.</summary>
    /// <exception cref="ArgumentException">When the spans differ in length.</exception>
    public static void SigmoidDerivatives(ReadOnlySpan<double> x, Span<double> value, Span<double> first, Span<double> second) =>
        Map3<SigmoidDerivativesOp>(x, value, first, second);

    /// <summary>softplus of every element with σ and <c>σ(1 - σ)</c>, from one exp(-|x|) per element.</summary>
    /// <exception cref="ArgumentException">When the spans differ in length.</exception>
    public static void SoftplusDerivatives(ReadOnlySpan<double> x, Span<double> value, Span<double> first, Span<double> second) =>
        Map3<SoftplusDerivativesOp>(x, value, first, second);

    // One vector or one number of the one-pass forms, for callers that go on with the three in registers
    // (the tensor level applies a map's row updates in the same loop); the same bits as the span forms.

    /// <summary>tanh of every element with <c>1 - t²</c> and <c>-2t(1 - t²)</c>; the span form's bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<double> Value, Vector256<double> First, Vector256<double> Second) TanhDerivatives(Vector256<double> x)
    {
        var (v, d1, d2) = ActivationKernels.TanhDerivatives<Lane256, Vector256<double>>(new(x));
        return (v.Value, d1.Value, d2.Value);
    }

    /// <summary>tanh of every element with <c>1 - t²</c> and <c>-2t(1 - t²)</c>; the span form's bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<double> Value, Vector512<double> First, Vector512<double> Second) TanhDerivatives(Vector512<double> x)
    {
        var (v, d1, d2) = ActivationKernels.TanhDerivatives<Lane512, Vector512<double>>(new(x));
        return (v.Value, d1.Value, d2.Value);
    }

    /// <summary>tanh x with <c>1 - t²</c> and <c>-2t(1 - t²)</c>; the span form's bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (double Value, double First, double Second) TanhDerivatives(double x)
    {
        var (v, d1, d2) = ActivationKernels.TanhDerivatives<ScalarLane, bool>(new(x));
        return (v.Value, d1.Value, d2.Value);
    }

    /// <summary>σ of every element with <c>σ(1 - σ)</c> and <c>σ(1 - σ)(1 - 2σ)</c>; the span form's bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<double> Value, Vector256<double> First, Vector256<double> Second) SigmoidDerivatives(Vector256<double> x)
    {
        var (v, d1, d2) = ActivationKernels.SigmoidDerivatives<Lane256, Vector256<double>>(new(x));
        return (v.Value, d1.Value, d2.Value);
    }

    /// <summary>σ of every element with <c>σ(1 - σ)</c> and <c>σ(1 - σ)(1 - 2σ)</c>; the span form's bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<double> Value, Vector512<double> First, Vector512<double> Second) SigmoidDerivatives(Vector512<double> x)
    {
        var (v, d1, d2) = ActivationKernels.SigmoidDerivatives<Lane512, Vector512<double>>(new(x));
        return (v.Value, d1.Value, d2.Value);
    }

    /// <summary>σ(x) with <c>σ(1 - σ)</c> and <c>σ(1 - σ)(1 - 2σ)</c>; the span form's bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (double Value, double First, double Second) SigmoidDerivatives(double x)
    {
        var (v, d1, d2) = ActivationKernels.SigmoidDerivatives<ScalarLane, bool>(new(x));
        return (v.Value, d1.Value, d2.Value);
    }

    /// <summary>softplus of every element with σ and <c>σ(1 - σ)</c>; the span form's bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<double> Value, Vector256<double> First, Vector256<double> Second) SoftplusDerivatives(Vector256<double> x)
    {
        var (v, d1, d2) = ActivationKernels.SoftplusDerivatives<Lane256, Vector256<double>>(new(x));
        return (v.Value, d1.Value, d2.Value);
    }

    /// <summary>softplus of every element with σ and <c>σ(1 - σ)</c>; the span form's bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<double> Value, Vector512<double> First, Vector512<double> Second) SoftplusDerivatives(Vector512<double> x)
    {
        var (v, d1, d2) = ActivationKernels.SoftplusDerivatives<Lane512, Vector512<double>>(new(x));
        return (v.Value, d1.Value, d2.Value);
    }

    /// <summary>softplus x with σ(x) and <c>σ(1 - σ)</c>; the span form's bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (double Value, double First, double Second) SoftplusDerivatives(double x)
    {
        var (v, d1, d2) = ActivationKernels.SoftplusDerivatives<ScalarLane, bool>(new(x));
        return (v.Value, d1.Value, d2.Value);
    }

    /// <summary>The ELU family of every element: <c>x &gt; 0 ? scale·x : alpha·(e^min(x, 0) - 1)</c> (ELU: scale 1;
    /// SELU: scale γ, alpha γα), by the operations <see cref="VarMath.Elu"/> and <see cref="VarMath.Selu"/> record,
    /// so each element has the scalar graph's bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Elu(Vector256<double> x, double scale, double alpha) =>
        EluKernels.Elu<Lane256, Vector256<double>>(new(x), Lane256.Of(scale), Lane256.Of(alpha)).Value;

    /// <summary><c>x &gt; 0 ? scale·x : alpha·(e^min(x, 0) - 1)</c>, the scalar graph's bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Elu(double x, double scale, double alpha) =>
        EluKernels.Elu<ScalarLane, bool>(new(x), new(scale), new(alpha)).Value;

    /// <summary>The ELU family of every element with its derivatives <c>x &gt; 0 ? scale : alpha·e</c> and
    /// <c>x &gt; 0 ? 0 : alpha·e</c> (<c>e = e^min(x, 0)</c>) from one exp; the scalar graph's bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<double> Value, Vector256<double> First, Vector256<double> Second) EluDerivatives(Vector256<double> x, double scale, double alpha)
    {
        var (v, d1, d2) = EluKernels.EluDerivatives<Lane256, Vector256<double>>(new(x), Lane256.Of(scale), Lane256.Of(alpha));
        return (v.Value, d1.Value, d2.Value);
    }

    /// <summary>The ELU family at x with its first two derivatives from one exp; the scalar graph's bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (double Value, double First, double Second) EluDerivatives(double x, double scale, double alpha)
    {
        var (v, d1, d2) = EluKernels.EluDerivatives<ScalarLane, bool>(new(x), new(scale), new(alpha));
        return (v.Value, d1.Value, d2.Value);
    }

    private interface IMap3
    {
        static abstract (double, double, double) Scalar(double x);
        static abstract (Vector256<double>, Vector256<double>, Vector256<double>) Vector(Vector256<double> x);
        static abstract (Vector512<double>, Vector512<double>, Vector512<double>) Vector(Vector512<double> x);
    }

    private readonly struct TanhDerivativesOp : IMap3
    {
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static (double, double, double) Scalar(double x) => TanhDerivatives(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector256<double>, Vector256<double>, Vector256<double>) Vector(Vector256<double> x) => TanhDerivatives(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector512<double>, Vector512<double>, Vector512<double>) Vector(Vector512<double> x) => TanhDerivatives(x);
    }

    private readonly struct SigmoidDerivativesOp : IMap3
    {
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static (double, double, double) Scalar(double x) => SigmoidDerivatives(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector256<double>, Vector256<double>, Vector256<double>) Vector(Vector256<double> x) => SigmoidDerivatives(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector512<double>, Vector512<double>, Vector512<double>) Vector(Vector512<double> x) => SigmoidDerivatives(x);
    }

    private readonly struct SoftplusDerivativesOp : IMap3
    {
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static (double, double, double) Scalar(double x) => SoftplusDerivatives(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector256<double>, Vector256<double>, Vector256<double>) Vector(Vector256<double> x) => SoftplusDerivatives(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector512<double>, Vector512<double>, Vector512<double>) Vector(Vector512<double> x) => SoftplusDerivatives(x);
    }

    // As Map: one method per width's loop, the op's vector form inlined into it.
    private static void Map3<TOp>(ReadOnlySpan<double> x, Span<double> value, Span<double> first, Span<double> second) where TOp : struct, IMap3
    {
        if (value.Length != x.Length || first.Length != x.Length || second.Length != x.Length)
            throw new ArgumentException($"Expected value, first and second spans as long as the input ({x.Length}), got {value.Length}, {first.Length} and {second.Length}.", nameof(value));
        ref double source = ref MemoryMarshal.GetReference(x);
        ref double v = ref MemoryMarshal.GetReference(value);
        ref double d1 = ref MemoryMarshal.GetReference(first);
        ref double d2 = ref MemoryMarshal.GetReference(second);
        int i = Vector512.IsHardwareAccelerated ? Map3With512<TOp>(ref source, ref v, ref d1, ref d2, x.Length)
            : Vector256.IsHardwareAccelerated ? Map3With256<TOp>(ref source, ref v, ref d1, ref d2, x.Length) : 0;
        for (; i < x.Length; i++)
            (Unsafe.Add(ref v, i), Unsafe.Add(ref d1, i), Unsafe.Add(ref d2, i)) = TOp.Scalar(Unsafe.Add(ref source, i));
    }

    /// <summary>The whole vectors of a span through the Vector256 form; returns how many elements that was.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Map3With256<TOp>(ref double source, ref double v, ref double d1, ref double d2, int length) where TOp : struct, IMap3
    {
        int i = 0;
        for (; i <= length - Vector256<double>.Count; i += Vector256<double>.Count)
        {
            var (a, b, c) = TOp.Vector(Vector256.LoadUnsafe(ref source, (nuint)i));
            a.StoreUnsafe(ref v, (nuint)i);
            b.StoreUnsafe(ref d1, (nuint)i);
            c.StoreUnsafe(ref d2, (nuint)i);
        }
        return i;
    }

    /// <summary>The whole vectors of a span through the Vector512 form; returns how many elements that was.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Map3With512<TOp>(ref double source, ref double v, ref double d1, ref double d2, int length) where TOp : struct, IMap3
    {
        int i = 0;
        for (; i <= length - Vector512<double>.Count; i += Vector512<double>.Count)
        {
            var (a, b, c) = TOp.Vector(Vector512.LoadUnsafe(ref source, (nuint)i));
            a.StoreUnsafe(ref v, (nuint)i);
            b.StoreUnsafe(ref d1, (nuint)i);
            c.StoreUnsafe(ref d2, (nuint)i);
        }
        return i;
    }

}
