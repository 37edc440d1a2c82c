using TapeAD.Tape;

namespace TapeAD.Compiler;

/// <summary>
/// The backend for graphs too large to compile quickly: a loop over a compact instruction array.
/// Registers are reused by liveness, like the compiled backends' locals, so a deep chain needs a
/// handful of them. It calls the primitives' value functions exactly as the reference interpreter
/// does, so it gives the same bits.
/// </summary>
internal sealed class InterpretedKernel : Kernel
{
    private readonly Instruction[] _code;
    private readonly int[] _resultIndex;
    private readonly int _registerCount;

    public InterpretedKernel(UsePlan plan)
    {
        var graph = plan.Graph;
        var code = new List<Instruction>(plan.LiveCount);
        var resultIndex = new List<int>();
        var registers = new SlotPool();
        var register = new int[graph.Count];
        var unread = (int[])plan.Uses.Clone();
        for (int i = 0; i < graph.Count; i++)
        {
            if (!plan.IsLive(i)) continue;
            int a = Register(graph.A(i)), b = Register(graph.B(i)), c = Register(graph.C(i));
            // Free the operands' registers first: the target is written after they are read.
            foreach (int operand in plan.Operands(i))
                if (--unread[operand] == 0) registers.Return(register[operand]);
            register[i] = registers.Rent();
            var outputs = plan.OutputsOf(i);
            double k = graph.OpOf(i) == Op.Input ? graph.InputIndexOf(i) : graph.ConstantOf(i);
            code.Add(new Instruction(graph.OpOf(i), register[i], a, b, c, k, resultIndex.Count, outputs.Length));
            foreach (int j in outputs) resultIndex.Add(j);
            if (plan.Uses[i] == 0) registers.Return(register[i]);
        }
        _code = [.. code];
        _resultIndex = [.. resultIndex];
        _registerCount = registers.Count;

        int Register(int node) => node < 0 ? -1 : register[node];
    }

    public override CompiledBackend Backend => CompiledBackend.Interpreted;

    public override void Run(ReadOnlySpan<double> x, Span<double> result)
    {
        Span<double> r = _registerCount <= ThreadScratch.StackLimit
            ? stackalloc double[_registerCount]
            : ThreadScratch.Get(_registerCount);
        foreach (ref readonly var s in _code.AsSpan())
        {
            double value = s.Op switch
            {
                Op.Constant => s.K,
                Op.Input => x[(int)s.K],
                Op.Add => Primitives.Add(r[s.A], r[s.B]),
                Op.Sub => Primitives.Sub(r[s.A], r[s.B]),
                Op.Mul => Primitives.Mul(r[s.A], r[s.B]),
                Op.Div => Primitives.Div(r[s.A], r[s.B]),
                Op.Neg => Primitives.Neg(r[s.A]),
                Op.Select => Primitives.Select(r[s.A], r[s.B], r[s.C]),
                _ => Primitives.Evaluate(s.Op, r[s.A], s.B < 0 ? 0 : r[s.B], s.C < 0 ? 0 : r[s.C], s.K),
            };
            r[s.Target] = value;
            for (int j = 0; j < s.ResultCount; j++) result[_resultIndex[s.FirstResult + j]] = value;
        }
    }
}
