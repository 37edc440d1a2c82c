using TapeAD.Compiler;
using TapeAD.Nn;
using TapeAD.Onnx;

namespace TapeAD.Bench.Onnx;

/// <summary>
/// How the ONNX harness obtains a compiled query — one factory per model source, so that when the
/// tensor-graph importer lands (issue 11: <c>OnnxModel.Load(path).CompileLaplacian()</c> … returning
/// <see cref="ICompiledQuery"/>) switching is the one line in <see cref="FromOnnx"/>. Each call of a
/// factory loads the file and compiles afresh: its duration is the query's preparation time.
/// </summary>
public static class OnnxQueries
{
    /// <summary>The ONNX file, compiled the one-line way: the tensor graph, level and mode chosen by the cost model.</summary>
    public static Func<ICompiledQuery> FromOnnx(string path, Query q) => () => Models.CompileOneLine(OnnxModel.Load(path).Tensor, q);

    /// <summary>The JSON chain, compiled the one-line way (<see cref="Models.CompileOneLine"/>).</summary>
    public static Func<ICompiledQuery> FromJson(string path, Query q) => () => Models.CompileOneLine(ModelFile.Load(path), q);
}
