namespace TapeAD.Compiler;

/// <summary>Limits that steer how a graph is compiled. The defaults suit the JIT and
/// FastExpressionCompiler measured in <c>TOOLCHAIN.md</c>; tests lower them to exercise each path on
/// small graphs.</summary>
public sealed record CompilerOptions
{
    /// <summary>The defaults.</summary>
    public static CompilerOptions Default { get; } = new();

    /// <summary>Statements (computed nodes and result writes) per compiled method. Beyond about
    /// 2,000 the JIT compiles a method without optimisation, about twice as slow per node.</summary>
    public int MaxStatementsPerMethod { get; init; } = 1500;

    /// <summary>How deep a value used once may be nested into its consumer's expression, at most
    /// <see cref="InlineDepthLimit"/>. FastExpressionCompiler overflows the stack (killing the
    /// process) on trees a few thousand deep, so this stays small.</summary>
    public int MaxInlineDepth { get; init; } = 8;

    /// <summary>The largest <see cref="MaxInlineDepth"/> accepted.</summary>
    public const int InlineDepthLimit = 64;

    /// <summary>Graphs with more nodes than this are run by the allocation-free instruction loop
    /// (<see cref="CompiledBackend.Interpreted"/>) instead of being compiled, because compiling them
    /// would take seconds.</summary>
    public int InterpretAboveNodes { get; init; } = 200_000;

    /// <summary>Whether <c>CompileFast</c> failing on an emitted method is an error
    /// (<see cref="InvalidOperationException"/>) rather than a fallback to <c>Expression.Compile</c>.
    /// A failure means the emitter produced something FastExpressionCompiler does not support, which
    /// is a bug, so debug builds (and tests) stop on it while release builds keep working.</summary>
    public bool RequireFastCompiler { get; init; }
#if DEBUG
        = true;
#endif

    /// <summary>The SIMD vectors a batch call evaluates inputs in: by default the widest the hardware
    /// accelerates. A forced width the hardware does not accelerate still gives the same bits, only
    /// slower (tests use that to check both widths on any machine).</summary>
    public BatchVectorWidth BatchVectorWidth { get; init; } = BatchVectorWidth.Widest;

    /// <summary>Independent groups of vectors one call of the SIMD methods interleaves (1 to
    /// <see cref="Compiler.BatchGroups.Most"/>); 0 takes the measured rule's count (<see cref="Compiler.BatchGroups.For"/>: four on small graphs, two above).
    /// Tests force each count.</summary>
    internal int BatchGroups { get; init; }

    internal VectorEmission? BatchVectors => BatchVectorWidth switch
    {
        BatchVectorWidth.Widest => VectorEmission.Widest,
        BatchVectorWidth.Vector256 => VectorEmission.Of256,
        BatchVectorWidth.Vector512 => VectorEmission.Of512,
        _ => null,
    };

    internal void Validate()
    {
        if (MaxStatementsPerMethod < 1)
            throw new ArgumentException($"Expected {nameof(MaxStatementsPerMethod)} of 1 or more, got {MaxStatementsPerMethod}.", nameof(MaxStatementsPerMethod));
        if (MaxInlineDepth is < 0 or > InlineDepthLimit)
            throw new ArgumentException($"Expected {nameof(MaxInlineDepth)} from 0 to {InlineDepthLimit}, got {MaxInlineDepth}.", nameof(MaxInlineDepth));
        if (!Enum.IsDefined(BatchVectorWidth))
            throw new ArgumentException($"Expected a defined {nameof(BatchVectorWidth)} ({string.Join(", ", Enum.GetNames<BatchVectorWidth>())}), got {(int)BatchVectorWidth}.", nameof(BatchVectorWidth));
        if (BatchGroups is < 0 or > Compiler.BatchGroups.Most)
            throw new ArgumentException($"Expected {nameof(BatchGroups)} from 0 (the measured rule's count) to {Compiler.BatchGroups.Most}, got {BatchGroups}.", nameof(BatchGroups));
        if (InterpretAboveNodes < 0)
            throw new ArgumentException($"Expected {nameof(InterpretAboveNodes)} of 0 or more, got {InterpretAboveNodes}.", nameof(InterpretAboveNodes));
    }
}
