using TapeAD.Compiler;
using TapeAD.Layers;
using TapeAD.Nn;
using TapeAD.Tape;

namespace TapeAD.Bench;

/// <summary>The queries the bench compares: the value and the derivative queries.</summary>
public enum Query { Value, Jacobian, Hessian, SecondOrderJacobian, Laplacian, Hvp }

/// <summary>
/// The benchmark models. They are the built-in seeded models (<see cref="BuiltinModels"/>) written out
/// once as JSON model files under <c>bench/models/</c> (<c>export-models</c>); the bench loads the
/// files with <see cref="ModelFile.Load"/>, so what is timed is exactly what a user loading a model
/// file gets, and the files pin the weights even if the built-in generator changes.
/// </summary>
public static class Models
{
    public static readonly string[] Names = ["seed", "small-deep", "pinn", "wide"];

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "models");

    public static Chain Load(string name) => ModelFile.Load(Path.Combine(Directory, name + ".json"));

    /// <summary>The query as a tape function of the recorded model.</summary>
    public static TapeFunction Build(TapeFunction f, Query q) => q switch
    {
        Query.Value => f,
        Query.Jacobian => f.Jacobian(),
        Query.Hessian => f.Hessian(),
        Query.SecondOrderJacobian => f.SecondOrderJacobian(),
        Query.Laplacian => f.Laplacian(),
        Query.Hvp => f.HessianVectorProduct(),
        _ => throw new ArgumentOutOfRangeException(nameof(q)),
    };

    /// <summary>Record + differentiate + compile, as a user would.</summary>
    public static CompiledFunction Prepare(Chain model, Query q) => Build(model.ToFunction(), q).Compile();

    /// <summary>The one-line compiled query of a chain (<see cref="ChainCompilation"/>: the scalar graph for
    /// small networks, the tensor level for large ones), as a user calls it.</summary>
    public static ICompiledQuery CompileOneLine(Chain model, Query q) => CompileOneLine(model.ToTensorFunction(), q);

    /// <summary>A model's query compiled the one-line way (level and mode by the cost model), for chains and ONNX files alike.</summary>
    public static ICompiledQuery CompileOneLine(TensorFunction model, Query q) => q switch
    {
        Query.Value => model.CompileValue(),
        Query.Jacobian => model.CompileJacobian(),
        Query.Hessian => model.CompileHessian(),
        Query.SecondOrderJacobian => model.CompileSecondOrderJacobian(),
        Query.Laplacian => model.CompileLaplacian(),
        Query.Hvp => model.CompileHessianVectorProduct(),
        _ => throw new ArgumentOutOfRangeException(nameof(q)),
    };

    /// <summary>Length of a call's input: x, or x then v for the Hessian-vector product.</summary>
    public static int InputLength(Chain model, Query q) => q == Query.Hvp ? 2 * model.InputLength : model.InputLength;

    /// <summary>Length of a call's result.</summary>
    public static int OutputLength(Chain model, Query q)
    {
        int m = model.OutputLength, d = model.InputLength;
        return q switch
        {
            Query.Jacobian or Query.SecondOrderJacobian or Query.Hvp => m * d,
            Query.Hessian => m * d * d,
            Query.Laplacian or Query.Value => m,
            _ => throw new ArgumentOutOfRangeException(nameof(q)),
        };
    }

    /// <summary>Deterministic call inputs in [-1, 1] (x, and v for HVP), <paramref name="count"/> of them.</summary>
    public static double[][] Inputs(Chain model, Query q, int count, int seed = 12345)
    {
        var rng = new Random(seed);
        int n = InputLength(model, q);
        var xs = new double[count][];
        for (int s = 0; s < count; s++)
        {
            xs[s] = new double[n];
            for (int j = 0; j < n; j++) xs[s][j] = 2 * rng.NextDouble() - 1;
        }
        return xs;
    }

    /// <summary>Writes the built-in models as JSON files and checks they load back bit for bit.</summary>
    public static void Export(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        foreach (var name in Names)
        {
            var model = BuiltinModels.Get(name);
            string path = Path.Combine(directory, name + ".json");
            ModelFile.Save(model, path);
            if (ModelFile.ToJson(ModelFile.Load(path)) != ModelFile.ToJson(model))
                throw new InvalidOperationException($"{path} does not round-trip.");
            Console.WriteLine($"wrote {path}: {model}");
        }
    }
}
