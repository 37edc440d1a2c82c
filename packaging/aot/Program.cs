// Under NativeAOT: the emitted second-order Jacobian (SeedDiag.g.cs, straight-line code) next to the
// library's own compiled query, which falls back to its interpreted backend when dynamic code is
// unavailable. Prints every result as hexadecimal bits, one input per line, so a JIT run of the same
// program (where the library uses FastExpressionCompiler) can be compared with `diff`.
using System.Globalization;
using System.Runtime.CompilerServices;
using TapeAD.Compiler;
using TapeAD.Nn;

var library = ModelFile.Load(Path.Combine(AppContext.BaseDirectory, "seed.json")).ToFunction().SecondOrderJacobian().Compile();
var expectedBackend = RuntimeFeature.IsDynamicCodeSupported ? "compiled" : "interpreted";
bool interpreted = library.Backend == CompiledBackend.Interpreted;
if (interpreted == RuntimeFeature.IsDynamicCodeSupported)
{
    Console.Error.WriteLine($"expected the {expectedBackend} backend, got {library.Backend}");
    return 2;
}
Console.Error.WriteLine($"dynamic code: {RuntimeFeature.IsDynamicCodeSupported}; library backend {library.Backend}");

double[] special = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 1e-310, 1e308, -745.0, 710.0];
var rng = new Random(20261201);
var emitted = new double[Aot.SeedDiag.OutputLength];
var compiled = new double[library.OutputLength];
int mismatches = 0;
for (int n = 0; n < 2000; n++)
{
    var x = new double[Aot.SeedDiag.InputLength];
    for (int j = 0; j < x.Length; j++)
        x[j] = n < 1000 ? (rng.NextDouble() - 0.5) * 8 : rng.NextDouble() < 0.2 ? special[rng.Next(special.Length)] : (rng.NextDouble() - 0.5) * 40;
    Aot.SeedDiag.Evaluate(x, emitted);
    library.Evaluate(x, compiled);
    for (int i = 0; i < emitted.Length; i++)
        if (BitConverter.DoubleToInt64Bits(emitted[i]) != BitConverter.DoubleToInt64Bits(compiled[i]) && !(double.IsNaN(emitted[i]) && double.IsNaN(compiled[i])))
            mismatches++;
    // NaNs printed as one token: which NaN an operation returns is left open by IEEE.
    Console.WriteLine(string.Join(" ", emitted.Select(v => double.IsNaN(v) ? "nan" : BitConverter.DoubleToInt64Bits(v).ToString("x16", CultureInfo.InvariantCulture))));
}
Console.Error.WriteLine($"{mismatches} results differ between the emitted code and the library");
return mismatches == 0 ? 0 : 1;
