namespace TapeAD.Bench.HandWritten;

public sealed partial class HandNet
{
    /// <summary>The network's outputs <c>[m]</c>: each layer's pre-activation, then the activation.</summary>
    public void Value(ReadOnlySpan<double> x, Span<double> y)
    {
        double[] a = _a0, aNext = _a1;
        for (int li = 0; li < _layers.Length; li++)
        {
            var l = _layers[li];
            ReadOnlySpan<double> input = li == 0 ? x : a.AsSpan(0, l.In);
            var output = li == _layers.Length - 1 ? y : aNext.AsSpan(0, l.Out);
            for (int i = 0; i < l.Out; i++) output[i] = Activate(l.Act, PreActivation(l, i, input), out _, out _);
            Swap(ref a, ref aNext);
        }
    }
}
