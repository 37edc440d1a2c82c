using TapeAD.Tape;

namespace TapeAD.Nn;

/// <summary>
/// A fully connected layer <c>y_i = act(Σ_j W_ij x_j + b_i)</c>. Immutable. The sum runs left to
/// right, <c>((W_i0 x_0 + W_i1 x_1) + ...) + b_i</c>, both in <see cref="Evaluate"/> and on the tape,
/// so the two agree bit for bit.
/// </summary>
public sealed class Dense
{
    private readonly double[] _weights;
    private readonly double[] _bias;

    /// <summary>Creates a layer from its parameters (copied).</summary>
    /// <param name="inputs">Input length, at least 1.</param>
    /// <param name="outputs">Output length, at least 1.</param>
    /// <param name="activation">The elementwise activation.</param>
    /// <param name="weights">Row-major <paramref name="outputs"/> × <paramref name="inputs"/> weights; finite.</param>
    /// <param name="bias"><paramref name="outputs"/> biases; finite.</param>
    /// <exception cref="ArgumentException">When a size or value is not as described; the message names what was expected and what came.</exception>
    public Dense(int inputs, int outputs, Activation activation, double[] weights, double[] bias)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(bias);
        if (inputs < 1) throw new ArgumentOutOfRangeException(nameof(inputs), inputs, "Expected at least 1 input.");
        if (outputs < 1) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "Expected at least 1 output.");
        Activations.Check(activation);
        if (weights.Length != (long)outputs * inputs)
            throw new ArgumentException($"Expected {outputs}×{inputs} = {(long)outputs * inputs} weights (row-major outputs × inputs), got {weights.Length}.", nameof(weights));
        if (bias.Length != outputs)
            throw new ArgumentException($"Expected {outputs} biases (one per output), got {bias.Length}.", nameof(bias));
        CheckFinite(weights, nameof(weights));
        CheckFinite(bias, nameof(bias));
        Inputs = inputs;
        Outputs = outputs;
        Activation = activation;
        _weights = (double[])weights.Clone();
        _bias = (double[])bias.Clone();
    }

    /// <summary>Input length.</summary>
    public int Inputs { get; }

    /// <summary>Output length.</summary>
    public int Outputs { get; }

    /// <summary>The elementwise activation.</summary>
    public Activation Activation { get; }

    /// <summary>The weights, row-major <see cref="Outputs"/> × <see cref="Inputs"/> (a read-only view).</summary>
    public ReadOnlySpan<double> Weights => _weights;

    /// <summary>The biases, one per output (a read-only view).</summary>
    public ReadOnlySpan<double> Bias => _bias;

    /// <summary>
    /// A layer with seeded random weights: He uniform (variance <c>2 / inputs</c>) for the
    /// ReLU family (relu, leaky_relu, elu, gelu, silu), Glorot uniform for the rest, and biases
    /// uniform in ±0.1 so that derivatives are not trivially symmetric.
    /// </summary>
    public static Dense Create(int inputs, int outputs, Activation activation, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (inputs < 1) throw new ArgumentOutOfRangeException(nameof(inputs), inputs, "Expected at least 1 input.");
        if (outputs < 1) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "Expected at least 1 output.");
        bool reluFamily = activation is Activation.Relu or Activation.LeakyRelu or Activation.Elu or Activation.Gelu or Activation.Silu;
        // A uniform on ±limit has variance limit² / 3.
        double limit = reluFamily ? Math.Sqrt(6.0 / inputs) : Math.Sqrt(6.0 / (inputs + outputs));
        var weights = new double[outputs * inputs];
        for (int i = 0; i < weights.Length; i++) weights[i] = Uniform(rng, limit);
        var bias = new double[outputs];
        for (int i = 0; i < bias.Length; i++) bias[i] = Uniform(rng, 0.1);
        return new Dense(inputs, outputs, activation, weights, bias);
    }

    /// <summary>Computes the layer on numbers without allocating.</summary>
    /// <exception cref="ArgumentException">When <paramref name="x"/> is not <see cref="Inputs"/> long or <paramref name="y"/> not <see cref="Outputs"/> long.</exception>
    public void Evaluate(ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length != Inputs) throw new ArgumentException($"Expected {Inputs} inputs, got {x.Length}.", nameof(x));
        if (y.Length != Outputs) throw new ArgumentException($"Expected an output span of length {Outputs}, got {y.Length}.", nameof(y));
        for (int i = 0; i < Outputs; i++)
        {
            var row = _weights.AsSpan(i * Inputs, Inputs);
            double sum = row[0] * x[0];
            for (int j = 1; j < row.Length; j++) sum += row[j] * x[j];
            // The tape rewrites "sum + 0" to "sum", which keeps a -0 sum; adding +0 would not.
            if (_bias[i] != 0.0) sum += _bias[i];
            y[i] = Activations.Apply(Activation, sum);
        }
    }

    /// <summary>Records the layer on the graph of <paramref name="x"/>, weights as constants.</summary>
    /// <exception cref="ArgumentException">When <paramref name="x"/> does not hold <see cref="Inputs"/> values.</exception>
    public Var[] Record(IReadOnlyList<Var> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Count != Inputs) throw new ArgumentException($"Expected {Inputs} inputs, got {x.Count}.", nameof(x));
        var y = new Var[Outputs];
        for (int i = 0; i < Outputs; i++)
        {
            int row = i * Inputs;
            var sum = _weights[row] * x[0];
            for (int j = 1; j < Inputs; j++) sum += _weights[row + j] * x[j];
            y[i] = Activations.Record(Activation, sum + _bias[i]);
        }
        return y;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Dense({Inputs}, {Outputs}, {Activations.NameOf(Activation)})";

    private static double Uniform(Random rng, double limit) => (2.0 * rng.NextDouble() - 1.0) * limit;

    private static void CheckFinite(double[] values, string paramName)
    {
        int bad = Array.FindIndex(values, v => !double.IsFinite(v));
        if (bad >= 0) throw new ArgumentException($"Expected finite {paramName}, got {values[bad]} at index {bad}.", paramName);
    }
}
