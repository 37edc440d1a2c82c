using TapeAD.Compiler;
using TapeAD.Tape;
using Xunit;
using static TapeAD.Tests.CompilerTestSupport;

namespace TapeAD.Tests;

/// <summary>Hot calls allocate nothing and give the same answers from many threads at once, on
/// every backend, including the one whose scratch is too large for the stack.</summary>
public class CompilerRuntimeTests
{
    /// <summary>Wide values all read at the end: with small methods about 2,000 of them cross
    /// method boundaries at once, more than the stack scratch holds.</summary>
    private static TapeFunction WideThenSummed() => TapeFunction.Record(3, x =>
    {
        var wide = new Var[2000];
        for (int i = 0; i < wide.Length; i++) wide[i] = VarMath.Tanh(x[i % 3] * (0.001 * i) + 0.5);
        var sum = wide[0];
        for (int i = 1; i < wide.Length; i++) sum += wide[i] * wide[wide.Length - i];
        return new[] { sum, wide[17], VarMath.Elu(sum - 3.0) };
    }, "wide then summed");

    public static TheoryData<string> Cases() => ["hessian", "chunked", "big-scratch", "interpreted"];

    private static (TapeFunction F, CompiledFunction C) Case(string name) => name switch
    {
        "hessian" => Compiled(SeedNetwork(v => VarMath.Elu(v)).Hessian(), new CompilerOptions { RequireFastCompiler = true }, CompiledBackend.SingleMethod),
        "chunked" => Compiled(SeedNetwork(VarMath.Gelu).SecondOrderJacobian(), EveryBackend[2], CompiledBackend.Chunked),
        "big-scratch" => BigScratch(),
        _ => Compiled(SeedNetwork(VarMath.Softplus).Hessian(), new CompilerOptions { InterpretAboveNodes = 0 }, CompiledBackend.Interpreted),
    };

    private static (TapeFunction, CompiledFunction) BigScratch()
    {
        var (f, c) = Compiled(WideThenSummed(), new CompilerOptions { RequireFastCompiler = true, MaxStatementsPerMethod = 500 }, CompiledBackend.Chunked);
        Assert.InRange(c.ScratchLength, CompiledFunction.StackScratchLimit + 1, 3000);
        return (f, c);
    }

    private static (TapeFunction, CompiledFunction) Compiled(TapeFunction f, CompilerOptions options, CompiledBackend expected)
    {
        var c = CompileFast(f, options);
        Assert.Equal(expected, c.Backend);
        return (f, c);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Hot_calls_allocate_nothing(string name)
    {
        var (f, c) = Case(name);
        var x = RandomInputs(new Random(1), f.InputLength, specialRate: 0);
        var result = new double[f.OutputLength];
        for (int i = 0; i < 50; i++) c.Evaluate(x, result);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) c.Evaluate(x, result);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        AssertSameBits(f, c, x);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parallel_calls_give_the_sequential_answers(string name)
    {
        var (f, c) = Case(name);
        int calls = name == "big-scratch" ? 200 : 2000;
        var rng = new Random(2);
        var inputs = Enumerable.Range(0, calls).Select(_ => RandomInputs(rng, f.InputLength, specialRate: 0.05)).ToArray();
        var sequential = inputs.Select(x => c.Evaluate(x)).ToArray();
        var parallel = new double[calls][];
        Parallel.For(0, calls, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var result = new double[f.OutputLength];
            c.Evaluate(inputs[i], result);
            parallel[i] = result;
        });
        for (int i = 0; i < calls; i++)
            Assert.True(sequential[i].AsSpan().SequenceEqual(parallel[i]), $"call {i} differs between threads and sequence");
        AssertSameBits(f, c, inputs[0]);
    }
}
