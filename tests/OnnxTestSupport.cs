using Onnx;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TapeAD.Onnx;
using TapeAD.Tape;

namespace TapeAD.Tests;

/// <summary>Runs ONNX models with ONNX Runtime on the importer's input/output layout, and finite differences.</summary>
internal static class OnnxTestSupport
{
    /// <summary>../shared/models beside the repository root (the folder holding TapeAD.sln).</summary>
    public static string ModelsDirectory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "TapeAD.sln"))) dir = dir.Parent;
            if (dir == null) throw new DirectoryNotFoundException($"No TapeAD.sln above {AppContext.BaseDirectory}.");
            return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "models"));
        }
    }

    public static string ModelPath(string file) => Path.Combine(ModelsDirectory, file);

    /// <summary>One ONNX Runtime session with the model's ports, called with TapeAD's concatenated vectors.</summary>
    public sealed class OrtRunner : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly OnnxModel _model;

        public OrtRunner(byte[] bytes, OnnxModel model)
        {
            // One thread and only basic graph rewrites: deterministic, and no fused approximations (e.g. of Gelu).
            using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
            _session = new InferenceSession(bytes, options);
            _model = model;
        }

        public int Calls { get; private set; }

        public double[] Run(double[] x)
        {
            Calls++;
            var inputs = _model.Inputs.Select(p =>
            {
                var values = x.AsSpan(p.Offset, p.Length);
                int[] dims = p.Shape.ToArray();
                return _session.InputMetadata[p.Name].ElementType == typeof(double)
                    ? NamedOnnxValue.CreateFromTensor(p.Name, new DenseTensor<double>(values.ToArray(), dims))
                    : NamedOnnxValue.CreateFromTensor(p.Name, new DenseTensor<float>(values.ToArray().Select(v => (float)v).ToArray(), dims));
            }).ToList();
            using var results = _session.Run(inputs, _model.Outputs.Select(p => p.Name).ToList());
            var y = new List<double>();
            foreach (var r in results)
            {
                if (r.Value is Tensor<double> td) y.AddRange(td);
                else y.AddRange(r.AsTensor<float>().Select(v => (double)v));
            }
            return y.ToArray();
        }

        public void Dispose() => _session.Dispose();
    }

    /// <summary>
    /// The model with every float64 tensor and port made float32: ONNX Runtime's CPU provider has no
    /// float64 kernel for some operators (Elu among them), so float64 models run in ORT as float32 copies.
    /// </summary>
    public static byte[] CastToFloat32(byte[] bytes)
    {
        var model = ModelProto.Parser.ParseFrom(bytes);
        foreach (var t in model.Graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Double))
        {
            var values = t.DoubleData.Count > 0 ? t.DoubleData.ToArray() : MemoryMarshal.Cast<byte, double>(t.RawData.Span).ToArray();
            t.DoubleData.Clear();
            t.RawData = Google.Protobuf.ByteString.Empty;
            t.FloatData.AddRange(values.Select(v => (float)v));
            t.DataType = (int)TensorProto.Types.DataType.Float;
        }
        foreach (var port in model.Graph.Input.Concat(model.Graph.Output).Where(p => p.Type.TensorType.ElemType == (int)TensorProto.Types.DataType.Double))
            port.Type.TensorType.ElemType = (int)TensorProto.Types.DataType.Float;
        return Google.Protobuf.MessageExtensions.ToByteArray(model);
    }

    /// <summary>Random points with float32-representable coordinates, so float32 and float64 runs see the same point.</summary>
    public static double[] RandomPoint(Random random, int d, double scale = 1.5) =>
        Enumerable.Range(0, d).Select(_ => (double)(float)(scale * (2 * random.NextDouble() - 1))).ToArray();

    /// <summary>
    /// Central differences with one Richardson step: D(h) has error c h² + O(h⁴), so (4 D(h/2) - D(h)) / 3
    /// is O(h⁴). <paramref name="h"/> is a power of two, so x ± h is exact in float32 near these points.
    /// Returns [m, d] for the first derivative along each input.
    /// </summary>
    public static double[] Jacobian(Func<double[], double[]> f, double[] x, int m, double h) =>
        Richardson(h, s => Directional(f, x, m, s, first: true));

    /// <summary>∂²y_i/∂x_j∂x_l by the four-point mixed difference, Richardson-extrapolated: [m, d, d].</summary>
    public static double[] Hessian(Func<double[], double[]> f, double[] x, int m, double h) =>
        Richardson(h, s =>
        {
            int d = x.Length;
            var result = new double[m * d * d];
            for (int j = 0; j < d; j++)
                for (int l = 0; l < d; l++)
                {
                    var pp = f(Shift(x, j, s, l, s)); var pm = f(Shift(x, j, s, l, -s));
                    var mp = f(Shift(x, j, -s, l, s)); var mm = f(Shift(x, j, -s, l, -s));
                    for (int i = 0; i < m; i++) result[(i * d + j) * d + l] = (pp[i] - pm[i] - mp[i] + mm[i]) / (4 * s * s);
                }
            return result;
        });

    /// <summary>∂²y_i/∂x_j² by the three-point second difference, Richardson-extrapolated: [m, d].</summary>
    public static double[] SecondOrderJacobian(Func<double[], double[]> f, double[] x, int m, double h) =>
        Richardson(h, s => Directional(f, x, m, s, first: false));

    /// <summary>A finite-difference step and the tolerance that goes with it: relative to max(|expected|, floor).</summary>
    public readonly record struct Tolerance(double Step, double Relative, double Floor);

    /// <summary>A function's Jacobian, Hessian and second-order Jacobian, built once and compared at many points.</summary>
    public sealed class DerivativeCheck(TapeFunction f)
    {
        private readonly TapeFunction _jacobian = f.Jacobian(), _hessian = f.Hessian(), _diagonal = f.SecondOrderJacobian();

        /// <summary>The tape's own value, as a reference function to difference.</summary>
        public double[] Value(double[] x) => f.Evaluate(x);

        /// <summary>Compares the three derivatives at <paramref name="x"/> with Richardson differences of <paramref name="g"/>.</summary>
        public void Against(Func<double[], double[]> g, double[] x, Tolerance first, Tolerance second, string what)
        {
            int m = f.OutputLength;
            AssertClose(Jacobian(g, x, m, first.Step), _jacobian.Evaluate(x), first.Relative, first.Floor, $"{what}: jacobian");
            AssertClose(Hessian(g, x, m, second.Step), _hessian.Evaluate(x), second.Relative, second.Floor, $"{what}: hessian");
            AssertClose(SecondOrderJacobian(g, x, m, second.Step), _diagonal.Evaluate(x), second.Relative, second.Floor, $"{what}: second-order jacobian");
        }
    }

    /// <summary>Fails with the worst entry when |a - b| exceeds tolerance * max(|b|, floor) anywhere.</summary>
    public static void AssertClose(double[] expected, double[] actual, double tolerance, double floor, string what)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(expected[i] - actual[i]) / Math.Max(Math.Abs(expected[i]), floor);
            if (!(err <= worst)) { worst = err; at = i; }
        }
        if (worst > tolerance || double.IsNaN(worst))
            Xunit.Assert.Fail($"{what}: entry {at} is {actual[at]:R}, expected {expected[at]:R} (relative error {worst:E2} > {tolerance:E0})");
    }

    /// <summary>The largest relative error, for reporting.</summary>
    public static double MaxRelativeError(double[] expected, double[] actual, double floor) =>
        expected.Zip(actual, (e, a) => Math.Abs(e - a) / Math.Max(Math.Abs(e), floor)).DefaultIfEmpty(0).Max();

    private static double[] Directional(Func<double[], double[]> f, double[] x, int m, double s, bool first)
    {
        int d = x.Length;
        var result = new double[m * d];
        var y0 = first ? null : f(x);
        for (int j = 0; j < d; j++)
        {
            var plus = f(Shift(x, j, s, j, 0));
            var minus = f(Shift(x, j, -s, j, 0));
            for (int i = 0; i < m; i++)
                result[i * d + j] = first ? (plus[i] - minus[i]) / (2 * s) : (plus[i] - 2 * y0![i] + minus[i]) / (s * s);
        }
        return result;
    }

    private static double[] Richardson(double h, Func<double, double[]> difference)
    {
        var coarse = difference(h);
        var fine = difference(h / 2);
        return coarse.Zip(fine, (c, f) => (4 * f - c) / 3).ToArray();
    }

    private static double[] Shift(double[] x, int j, double sj, int l, double sl)
    {
        var y = (double[])x.Clone();
        y[j] += sj;
        y[l] += sl;
        return y;
    }
}
