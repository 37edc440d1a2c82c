using TapeAD.Tape;

namespace TapeAD.Compiler;

/// <summary>One step of the interpreted backend: computes <see cref="Op"/> from registers
/// <see cref="A"/>, <see cref="B"/>, <see cref="C"/> (or reads a constant or an input) into register
/// <see cref="Target"/>, then copies it to results <c>[FirstResult, FirstResult + ResultCount)</c>
/// of the kernel's result-index list.</summary>
internal readonly record struct Instruction(Op Op, int Target, int A, int B, int C, double K, int FirstResult, int ResultCount);
