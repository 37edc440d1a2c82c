// The README's examples as a user writes them, against the packages. Each check exits non-zero when
// a result is not what the README says it is.
using TapeAD.Compiler;
using TapeAD.Layers;
using TapeAD.Nn;
using TapeAD.Onnx;
using TapeAD.Tape;
using TapeAD.Testing;
using static TapeAD.Tape.VarMath;

int failures = 0;
void Check(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    if (!ok) failures++;
}

// README: the second-order Jacobian of Chain(Dense(5,3,elu), Dense(3,3)).
var model = BuiltinModels.Seed();
var diag = model.ToFunction().SecondOrderJacobian()
                .Compile();
double[] x = [0.5, -0.3, 0.8, -1.2, 0.1];
var result = new double[diag.OutputLength];
diag.Evaluate(x, result);
Console.WriteLine(string.Join(", ", result));
var hessians = model.ToFunction().Hessian().Evaluate(x);
Check(result.Length == 15 && Enumerable.Range(0, 15).All(n => Math.Abs(hessians[(n / 5 * 5 + n % 5) * 5 + n % 5] - result[n]) <= 1e-14),
    "seed second-order Jacobian: 15 numbers, the Hessians' diagonals");

// README: a recorded function.
var f = TapeFunction.Record(2, v => new[] { Tanh(v[0] * v[1]), Elu(v[0] - 2 * v[1]) });
var recorded = f.Hessian().Compile();
double t = Math.Tanh(0.5), s = 1 - t * t;
Check(Math.Abs(recorded.Evaluate([1.0, 0.5])[1] - s * (1 - 2 * t * 0.5)) <= 1e-15, "recorded function: the mixed partial of tanh(ab)");

// README: from PyTorch (ONNX).
var onnx = OnnxModel.Load(Path.Combine(AppContext.BaseDirectory, "model.onnx"));
var hessian = onnx.Function.Hessian().Compile();
var h = hessian.Evaluate(new double[onnx.Function.InputLength]);
int d = onnx.Function.InputLength;
Check(h.Length == onnx.Function.OutputLength * d * d && h.All(double.IsFinite), $"ONNX Hessian: [{string.Join(", ", hessian.Shape)}], finite");
Check(Enumerable.Range(0, h.Length).All(n => h[n] == h[n / (d * d) * d * d + n % d * d + n % (d * d) / d]), "ONNX Hessian: symmetric");

// README: wide networks and batches.
var pinn = BuiltinModels.Get("pinn");
var lap = pinn.CompileLaplacian();
var xs = new double[1024 * 8];
var laplacians = new double[1024 * lap.OutputLength];
lap.EvaluateBatch(xs, laplacians);
Check(laplacians.All(v => v == laplacians[0]) && double.IsFinite(laplacians[0]), "pinn batch Laplacian: 1,024 equal rows at the origin");

// README: checking derivatives.
var checker = new DerivativeChecker(BuiltinModels.Seed());
DerivativeReport report = checker.Check([0.5, -0.3, 0.8, -1.2, 0.1]);
Console.WriteLine(report);
Check(report.Passed, "derivative checker on the seed network");

return failures == 0 ? 0 : 1;
