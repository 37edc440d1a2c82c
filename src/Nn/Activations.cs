using TapeAD.Tape;

namespace TapeAD.Nn;

/// <summary>
/// Names, recording and plain evaluation of <see cref="Activation"/>s. <see cref="Apply"/> computes
/// exactly the operations <see cref="Record"/> puts on the tape, in the same order and through the
/// same <see cref="Primitives"/> value functions, so the interpreter reproduces it bit for bit.
/// </summary>
public static class Activations
{
    private const double LeakySlope = 0.01;
    private const double EluAlpha = 1.0;
    private const double SqrtTwoOverPi = 0.79788456080286536;

    // Indexed by the enum's value; the static constructor keeps the two in step.
    private static readonly string[] FileNames =
        ["identity", "relu", "leaky_relu", "elu", "tanh", "sigmoid", "softplus", "gelu", "silu", "sin",
         "softsign", "hardtanh", "relu6", "hardsigmoid", "hardswish", "mish", "tanhshrink"];

    static Activations()
    {
        if (FileNames.Length != Enum.GetValues<Activation>().Length)
            throw new InvalidOperationException("Every Activation needs exactly one file name.");
    }

    /// <summary>The file names of all activations, in enum order.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.AsReadOnly(FileNames);

    /// <summary>The file name of <paramref name="activation"/> (e.g. <c>leaky_relu</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">When the value is not a defined activation.</exception>
    public static string NameOf(Activation activation) => FileNames[Check(activation)];

    /// <summary>Finds the activation with file name <paramref name="name"/> (case-insensitive).</summary>
    public static bool TryParse(string? name, out Activation activation)
    {
        int i = name == null ? -1 : Array.FindIndex(FileNames, n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        activation = (Activation)Math.Max(i, 0);
        return i >= 0;
    }

    /// <summary>The activation with file name <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">When the name is unknown; the message lists the valid names.</exception>
    public static Activation Parse(string name)
    {
        if (TryParse(name, out var activation)) return activation;
        throw new ArgumentException($"Unknown activation \"{name}\"; expected one of {ValidNames}.", nameof(name));
    }

    // For error messages.
    internal static string ValidNames => string.Join(", ", FileNames);

    /// <summary>Records the activation of <paramref name="x"/> with <see cref="VarMath"/>.</summary>
    public static Var Record(Activation activation, Var x) => activation switch
    {
        Activation.Identity => x,
        Activation.Relu => VarMath.Relu(x),
        Activation.LeakyRelu => VarMath.LeakyRelu(x, LeakySlope),
        Activation.Elu => VarMath.Elu(x, EluAlpha),
        Activation.Tanh => VarMath.Tanh(x),
        Activation.Sigmoid => VarMath.Sigmoid(x),
        Activation.Softplus => VarMath.Softplus(x),
        Activation.Gelu => VarMath.Gelu(x),
        Activation.Silu => VarMath.Silu(x),
        Activation.Sin => VarMath.Sin(x),
        Activation.Softsign => VarMath.Softsign(x),
        Activation.Hardtanh => VarMath.Hardtanh(x),
        Activation.Relu6 => VarMath.Relu6(x),
        Activation.Hardsigmoid => VarMath.Hardsigmoid(x),
        Activation.Hardswish => VarMath.Hardswish(x),
        Activation.Mish => VarMath.Mish(x),
        Activation.Tanhshrink => VarMath.Tanhshrink(x),
        _ => throw Undefined(activation),
    };

    /// <summary>Evaluates the activation on a number, with the same bits as the recorded tape.</summary>
    public static double Apply(Activation activation, double x) => activation switch
    {
        Activation.Identity => x,
        Activation.Relu => Primitives.Select(Primitives.Greater(x, 0.0), x, 0.0),
        Activation.LeakyRelu => Primitives.Select(Primitives.Greater(x, 0.0), x, LeakySlope * x),
        // VarMath records alpha * (exp(x) - 1); the tape drops the multiplication by 1, exactly.
        Activation.Elu => Primitives.Select(Primitives.Greater(x, 0.0), x, EluAlpha * (Math.Exp(x) - 1.0)),
        Activation.Tanh => Math.Tanh(x),
        Activation.Sigmoid => Primitives.Sigmoid(x),
        Activation.Softplus => Primitives.Softplus(x),
        Activation.Gelu => 0.5 * x * (1.0 + Math.Tanh(SqrtTwoOverPi * (x + 0.044715 * (x * x * x)))),
        Activation.Silu => x * Primitives.Sigmoid(x),
        Activation.Sin => Math.Sin(x),
        Activation.Softsign => x / (1.0 + Math.Abs(x)),
        Activation.Hardtanh => Clamped(x, -1.0, 1.0),
        Activation.Relu6 => Clamped(x, 0.0, 6.0),
        Activation.Hardsigmoid => Primitives.Select(Primitives.Greater(x, -3.0),
            Primitives.Select(Primitives.Greater(3.0, x), (x + 3.0) / 6.0, 1.0), 0.0),
        Activation.Hardswish => Primitives.Select(Primitives.Greater(-3.0, x), 0.0,
            Primitives.Select(Primitives.Greater(x, 3.0), x, x * (x + 3.0) / 6.0)),
        Activation.Mish => x * Math.Tanh(Primitives.Softplus(x)),
        Activation.Tanhshrink => x - Math.Tanh(x),
        _ => throw Undefined(activation),
    };

    // VarMath.Hardtanh's selects on numbers.
    private static double Clamped(double x, double lo, double hi) =>
        Primitives.Select(Primitives.Greater(x, lo), Primitives.Select(Primitives.Greater(hi, x), x, hi), lo);

    internal static int Check(Activation activation) =>
        (uint)activation < (uint)FileNames.Length ? (int)activation : throw Undefined(activation);

    private static ArgumentOutOfRangeException Undefined(Activation activation) =>
        new(nameof(activation), activation, $"Expected a defined activation ({ValidNames}).");
}
