using System.Buffers;
using TapeAD.Tape;

namespace TapeAD.Nn;

/// <summary>
/// Layers applied one after another. Immutable and thread-safe. <see cref="Evaluate(ReadOnlySpan{double}, Span{double})"/>
/// gives the same bits as the interpreter on <see cref="ToFunction"/>.
/// </summary>
public sealed class Chain
{
    private readonly Dense[] _layers;
    private readonly int _widest;

    /// <summary>A chain named "chain".</summary>
    /// <exception cref="ArgumentException">When there are no layers or consecutive sizes differ.</exception>
    public Chain(params Dense[] layers) : this("chain", layers) { }

    /// <summary>A named chain.</summary>
    /// <param name="name">The model's name, used as the description of recorded functions.</param>
    /// <param name="layers">At least one layer; each takes as many inputs as the one before gives outputs.</param>
    /// <exception cref="ArgumentException">When there are no layers or consecutive sizes differ; the message names the layers and sizes.</exception>
    public Chain(string name, IEnumerable<Dense> layers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(layers);
        _layers = layers.ToArray();
        if (_layers.Length == 0) throw new ArgumentException("Expected at least one layer, got none.", nameof(layers));
        for (int k = 0; k < _layers.Length; k++)
        {
            if (_layers[k] == null) throw new ArgumentException($"Layer {k} is null.", nameof(layers));
            if (k > 0 && _layers[k].Inputs != _layers[k - 1].Outputs)
                throw new ArgumentException(
                    $"Layer {k} ({_layers[k]}) takes {_layers[k].Inputs} inputs, but layer {k - 1} ({_layers[k - 1]}) gives {_layers[k - 1].Outputs} outputs.",
                    nameof(layers));
        }
        Name = name;
        Layers = Array.AsReadOnly(_layers);
        _widest = _layers.Max(l => l.Outputs);
    }

    /// <summary>The model's name.</summary>
    public string Name { get; }

    /// <summary>The layers, first to last.</summary>
    public IReadOnlyList<Dense> Layers { get; }

    /// <summary>Input length of the first layer.</summary>
    public int InputLength => _layers[0].Inputs;

    /// <summary>Output length of the last layer.</summary>
    public int OutputLength => _layers[^1].Outputs;

    /// <summary>A chain of seeded random layers (<see cref="Dense.Create"/>).</summary>
    /// <param name="name">The model's name.</param>
    /// <param name="rng">The source of the weights.</param>
    /// <param name="inputs">Input length of the first layer.</param>
    /// <param name="layers">Each layer's output length and activation.</param>
    public static Chain Random(string name, Random rng, int inputs, params (int outputs, Activation act)[] layers)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(layers);
        var dense = new Dense[layers.Length];
        for (int k = 0; k < layers.Length; k++)
        {
            dense[k] = Dense.Create(inputs, layers[k].outputs, layers[k].act, rng);
            inputs = layers[k].outputs;
        }
        return new Chain(name, dense);
    }

    /// <summary>Computes the model on numbers into a new array.</summary>
    public double[] Evaluate(ReadOnlySpan<double> x)
    {
        var y = new double[OutputLength];
        Evaluate(x, y);
        return y;
    }

    /// <summary>Computes the model on numbers; the intermediate buffers come from a pool, so the
    /// steady state does not allocate.</summary>
    /// <exception cref="ArgumentException">When <paramref name="x"/> is not <see cref="InputLength"/> long or <paramref name="y"/> not <see cref="OutputLength"/> long.</exception>
    public void Evaluate(ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length != InputLength) throw new ArgumentException($"{Name}: expected {InputLength} inputs, got {x.Length}.", nameof(x));
        if (y.Length != OutputLength) throw new ArgumentException($"{Name}: expected an output span of length {OutputLength}, got {y.Length}.", nameof(y));
        double[] a = ArrayPool<double>.Shared.Rent(_widest);
        double[] b = ArrayPool<double>.Shared.Rent(_widest);
        try
        {
            ReadOnlySpan<double> current = x;
            for (int k = 0; k < _layers.Length; k++)
            {
                var layer = _layers[k];
                Span<double> next = k == _layers.Length - 1 ? y : (k % 2 == 0 ? a : b).AsSpan(0, layer.Outputs);
                layer.Evaluate(current, next);
                current = next;
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(a);
            ArrayPool<double>.Shared.Return(b);
        }
    }

    /// <summary>Records the model on the graph of <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentException">When <paramref name="x"/> does not hold <see cref="InputLength"/> values.</exception>
    public IReadOnlyList<Var> Record(IReadOnlyList<Var> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Count != InputLength) throw new ArgumentException($"{Name}: expected {InputLength} inputs, got {x.Count}.", nameof(x));
        foreach (var layer in _layers) x = layer.Record(x);
        return x;
    }

    /// <summary>Records the model as a function of <see cref="InputLength"/> inputs, described by <see cref="Name"/>.</summary>
    public TapeFunction ToFunction() => TapeFunction.Record(InputLength, x => Record(x), Name);

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {InputLength} -> {string.Join(" -> ", _layers.Select(l => $"{l.Outputs} {Activations.NameOf(l.Activation)}"))}";
}
